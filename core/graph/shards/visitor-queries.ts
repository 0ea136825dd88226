/**
 * SQL of a visitor shard (one SQLite database per Durable Object). The schema steps are applied in
 * order by migrate(); a new step is appended, never edited.
 */
export const VISITOR_SCHEMA = [
	// The visitor's pairs, keyed for "everything of this visitor": /id, opt-out, the admin API.
	`CREATE TABLE pairs (
		uuid TEXT NOT NULL,
		dpid INTEGER NOT NULL,
		dpuuid TEXT NOT NULL,
		first_seen INTEGER NOT NULL,
		last_seen INTEGER NOT NULL,
		PRIMARY KEY (uuid, dpid, dpuuid)
	) WITHOUT ROWID`,
	// Global opt-outs, remembered for good (late queue messages and inbound lines are refused).
	`CREATE TABLE opt_outs (
		uuid TEXT PRIMARY KEY,
		opted_out_at INTEGER NOT NULL
	) WITHOUT ROWID`,
	// Pairs taken from a visitor (moved to another, or opted out) and by which revision of the partner
	// ID: concurrent consumers may mirror two writes of one partner ID out of order, and an older copy
	// must not come back. Kept a day (moved_at is when the shard heard of it).
	`CREATE TABLE moved_away (
		uuid TEXT NOT NULL,
		dpid INTEGER NOT NULL,
		dpuuid TEXT NOT NULL,
		rev INTEGER NOT NULL,
		moved_at INTEGER NOT NULL,
		PRIMARY KEY (uuid, dpid, dpuuid)
	) WITHOUT ROWID`,
	// The revision of the partner ID's write each copy mirrors.
	"ALTER TABLE pairs ADD COLUMN rev INTEGER NOT NULL DEFAULT 0",
	// Who holds which trait; dpid (the trait's data source) so an .overwrite replaces one source's traits.
	`CREATE TABLE traits (
		uuid TEXT NOT NULL,
		trait_id INTEGER NOT NULL,
		dpid INTEGER NOT NULL,
		realized_at INTEGER NOT NULL,
		PRIMARY KEY (uuid, trait_id)
	) WITHOUT ROWID`,
	// Segment memberships; a row stays after leaving (left_at) so iter files can list the exit.
	`CREATE TABLE segments (
		uuid TEXT NOT NULL,
		segment_id INTEGER NOT NULL,
		entered_at INTEGER NOT NULL,
		left_at INTEGER,
		PRIMARY KEY (uuid, segment_id)
	) WITHOUT ROWID`,
	// Trait changes applied here, by key, with their result: a retried inbound step writes nothing twice.
	`CREATE TABLE applied (
		key TEXT PRIMARY KEY,
		result TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) WITHOUT ROWID`,
	"CREATE INDEX applied_by_time ON applied (applied_at)",
	// The change log of iter files: when a visitor's outbound lines may have changed (a segment entered
	// or left, a partner ID paired to it). Kept 30 days, as opt-out removals are.
	`CREATE TABLE changes (
		at INTEGER NOT NULL,
		uuid TEXT NOT NULL,
		PRIMARY KEY (at, uuid)
	) WITHOUT ROWID`,
];

export const OPTED_OUT_AT = "SELECT opted_out_at FROM opt_outs WHERE uuid = ?1";
export const ANY_OPT_OUT = "SELECT 1 FROM opt_outs LIMIT 1";
/** ?1 JSON array of UUIDs: those that opted out, in one statement. */
export const OPTED_OUT_AMONG = "SELECT uuid FROM opt_outs WHERE uuid IN (SELECT value FROM json_each(?1))";
export type UuidOnlyRow = {
	uuid: string;
};
export type OptedOutRow = {
	opted_out_at: number;
};

export const PAIRS_OF = "SELECT dpid, dpuuid, first_seen, last_seen FROM pairs WHERE uuid = ?1 ORDER BY dpid, dpuuid";
export type PairRow = {
	dpid: number;
	dpuuid: string;
	first_seen: number;
	last_seen: number;
};

/**
 * ?1 uuid, ?2 dpid, ?3 dpuuid, ?4 first seen, ?5 last seen, ?6 revision: the partner-ID shard's row,
 * mirrored. Only a later revision replaces a copy, so a mirror arriving late changes nothing, nor does
 * a repeated one.
 */
export const MIRROR_PAIRS = `INSERT INTO pairs (uuid, dpid, dpuuid, first_seen, last_seen, rev)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?1) WHERE true
ON CONFLICT (uuid, dpid, dpuuid) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen,
	rev = excluded.rev
WHERE excluded.rev > rev`;

/** ?1 uuid, ?2 dpid, ?3 dpuuid, ?4 revision of the move: the copy goes unless a later write is already here. */
export const REMOVE_MOVED_PAIR = "DELETE FROM pairs WHERE uuid = ?1 AND dpid = ?2 AND dpuuid = ?3 AND rev < ?4";
/** ?1 uuid, ?2 dpid, ?3 dpuuid, ?4 revision, ?5 now. */
export const MARK_MOVED = `INSERT INTO moved_away (uuid, dpid, dpuuid, rev, moved_at) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (uuid, dpid, dpuuid) DO UPDATE SET rev = max(rev, excluded.rev), moved_at = excluded.moved_at`;
export type MovedRow = {
	rev: number;
};
/** ?1 the oldest move still remembered (Unix ms). */
export const FORGET_OLD_MOVES = "DELETE FROM moved_away WHERE moved_at < ?1";
export const REMOVE_PAIRS_OF = "DELETE FROM pairs WHERE uuid = ?1";
/** ?1 JSON array of [uuid, dpid, dpuuid]: those held here, in one statement. */
export const PAIRS_HELD = `SELECT uuid, dpid, dpuuid FROM pairs
WHERE (uuid, dpid, dpuuid) IN (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1))`;
/** ?1 JSON array of [uuid, dpid, dpuuid]: the moves remembered of those, with their revision. */
export const MOVED_REVS = `SELECT uuid, dpid, dpuuid, rev FROM moved_away
WHERE (uuid, dpid, dpuuid) IN (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1))`;
export type HeldPairRow = { uuid: string; dpid: number; dpuuid: string };
export const RECORD_OPT_OUT = "INSERT INTO opt_outs (uuid, opted_out_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
/** ?1 JSON array of [uuid, opted_out_at]. */
export const RECORD_OPT_OUTS = `INSERT INTO opt_outs (uuid, opted_out_at)
SELECT value ->> 0, value ->> 1 FROM json_each(?1) WHERE true ON CONFLICT DO NOTHING`;
export const COUNT_PAIRS = "SELECT count(*) AS n FROM pairs";
export type CountRow = {
	n: number;
};
export const COUNT_OPT_OUTS = "SELECT count(*) AS n FROM opt_outs";

/** SQL of a partner-ID shard (one SQLite database per Durable Object); schema steps only appended. */
export const PARTNER_ID_SCHEMA = [
	// Partner ID → visitor, the most recent mapping wins. Key order is the order of outbound files.
	`CREATE TABLE ids (
		dpid INTEGER NOT NULL,
		dpuuid TEXT NOT NULL,
		uuid TEXT NOT NULL,
		first_seen INTEGER NOT NULL,
		last_seen INTEGER NOT NULL,
		paired_at INTEGER NOT NULL,
		PRIMARY KEY (dpid, dpuuid)
	) WITHOUT ROWID`,
	// Partner IDs opted out of their partner: never paired again.
	`CREATE TABLE opt_outs (
		dpid INTEGER NOT NULL,
		dpuuid TEXT NOT NULL,
		opted_out_at INTEGER NOT NULL,
		PRIMARY KEY (dpid, dpuuid)
	) WITHOUT ROWID`,
	// Mappings removed by an opt-out, so outbound files can list the removal once.
	`CREATE TABLE tombstones (
		dpid INTEGER NOT NULL,
		dpuuid TEXT NOT NULL,
		uuid TEXT NOT NULL,
		removed_at INTEGER NOT NULL,
		PRIMARY KEY (dpid, dpuuid)
	) WITHOUT ROWID`,
	// The shard's write counter: every write of a mapping gets the next revision, so the visitor shards
	// can put mirrors that arrive out of order back in order.
	`CREATE TABLE revisions (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		rev INTEGER NOT NULL
	)`,
];

export const MAPPING = "SELECT uuid, first_seen, last_seen, paired_at FROM ids WHERE dpid = ?1 AND dpuuid = ?2";
export type MappingRow = {
	uuid: string;
	first_seen: number;
	last_seen: number;
	paired_at: number;
};

/** ?1 dpid, ?2 JSON array of dpuuids: those mapped to a visitor, in one statement. */
export const MAPPINGS_AMONG = `SELECT dpuuid, uuid FROM ids
	WHERE dpid = ?1 AND dpuuid IN (SELECT value FROM json_each(?2)) AND uuid IS NOT NULL`;
export type MappedRow = {
	dpuuid: string;
	uuid: string;
};

export const OPTED_OUT_AT = "SELECT opted_out_at FROM opt_outs WHERE dpid = ?1 AND dpuuid = ?2";
/** ?1 JSON array of [dpid, dpuuid]: the mappings of those keys, in one statement. */
export const MAPPINGS_OF_KEYS = `SELECT dpid, dpuuid, uuid, first_seen, last_seen, paired_at FROM ids
	WHERE (dpid, dpuuid) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?1))`;
export type KeyedMappingRow = MappingRow & { dpid: number; dpuuid: string };
/** ?1 JSON array of [dpid, dpuuid]: those keys that opted out. */
export const OPTED_OUT_KEYS = `SELECT dpid, dpuuid FROM opt_outs
	WHERE (dpid, dpuuid) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?1))`;
export type KeyRow = { dpid: number; dpuuid: string };
export type OptedOutRow = {
	opted_out_at: number;
};

/**
 * ?1 JSON array of [dpid, dpuuid, uuid, first_seen, last_seen, paired_at]: each key's row after a batch;
 * the caller has decided that it changed.
 */
export const WRITE_MAPPINGS = `INSERT INTO ids (dpid, dpuuid, uuid, first_seen, last_seen, paired_at)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?1) WHERE true
ON CONFLICT (dpid, dpuuid) DO UPDATE SET uuid = excluded.uuid, first_seen = excluded.first_seen,
	last_seen = excluded.last_seen, paired_at = excluded.paired_at`;

/** ?1 dpid, ?2 dpuuid, ?3 uuid, ?4 time: remembers a removed mapping for the next outbound files. */
export const TOMBSTONE = `INSERT INTO tombstones (dpid, dpuuid, uuid, removed_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (dpid, dpuuid) DO UPDATE SET uuid = excluded.uuid, removed_at = excluded.removed_at`;
export const DELETE_MAPPING = "DELETE FROM ids WHERE dpid = ?1 AND dpuuid = ?2";
export const RECORD_OPT_OUT =
	"INSERT INTO opt_outs (dpid, dpuuid, opted_out_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
/** ?1 JSON array of [dpid, dpuuid, opted_out_at]. */
export const RECORD_OPT_OUTS = `INSERT INTO opt_outs (dpid, dpuuid, opted_out_at)
SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) WHERE true ON CONFLICT DO NOTHING`;
export const COUNT_IDS = "SELECT count(*) AS n FROM ids";
export type CountRow = {
	n: number;
};

/** ?1 JSON array of [dpid, dpuuid, uuid, removed_at]: copied tombstones; one already here (a dual write) is newer or the same. */
export const IMPORT_TOMBSTONES = `INSERT INTO tombstones (dpid, dpuuid, uuid, removed_at)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1) WHERE true
ON CONFLICT (dpid, dpuuid) DO NOTHING`;
export const COUNT_OPT_OUTS = "SELECT count(*) AS n FROM opt_outs";
export const TOMBSTONE_OF = "SELECT uuid FROM tombstones WHERE dpid = ?1 AND dpuuid = ?2";
export type TombstoneRow = {
	uuid: string;
};
export const NEXT_REVISION = `INSERT INTO revisions (id, rev) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET rev = rev + 1 RETURNING rev`;
export type RevisionRow = {
	rev: number;
};

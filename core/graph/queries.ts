import type { PairEvent } from "./pair-event";
import { REFRESH_AFTER_MS } from "./refresh";

/**
 * SQL for the ID graph. Bulk writes pass a whole batch as one JSON parameter and expand it with
 * json_each, so a batch is one statement (D1 allows 100 bound parameters per statement but 2 MB per
 * value, so JSON is how many rows fit in one statement).
 */

// An event `e` (a json_each row) whose visitor has opted out.
const VISITOR_OPTED_OUT = "EXISTS (SELECT 1 FROM opt_outs o WHERE o.uuid = e.value ->> '$.uuid')";

// An event `e` (a json_each row) whose visitor or partner ID has opted out.
const OPTED_OUT = `(${VISITOR_OPTED_OUT}
	OR EXISTS (SELECT 1 FROM partner_opt_outs p
		WHERE p.dpid = e.value ->> '$.dpid' AND p.dpuuid = e.value ->> '$.dpuuid'))`;

/**
 * ?1 = JSON array of PairEvent, ?2 = now. The newest sighting decides the UUID; first/last seen widen;
 * paired_at is when this partner ID got (or moved to) its UUID, which is what iter files list. A row
 * is rewritten only when that changes something (refresh.ts): the rule of shards/mapping.ts, in SQL.
 */
export const UPSERT_PAIRS = `INSERT INTO id_pairs (dpid, dpuuid, uuid, first_seen, last_seen, paired_at)
SELECT e.value ->> '$.dpid', e.value ->> '$.dpuuid', e.value ->> '$.uuid', e.value ->> '$.at', e.value ->> '$.at', ?2
FROM json_each(?1) AS e
WHERE NOT ${OPTED_OUT}
ORDER BY e.value ->> '$.at'
ON CONFLICT (dpid, dpuuid) DO UPDATE SET
	uuid = CASE WHEN excluded.last_seen >= id_pairs.last_seen THEN excluded.uuid ELSE id_pairs.uuid END,
	paired_at = CASE WHEN excluded.last_seen >= id_pairs.last_seen AND excluded.uuid <> id_pairs.uuid
		THEN excluded.paired_at ELSE id_pairs.paired_at END,
	first_seen = min(id_pairs.first_seen, excluded.first_seen),
	last_seen = max(id_pairs.last_seen, excluded.last_seen)
WHERE (excluded.last_seen >= id_pairs.last_seen AND excluded.uuid <> id_pairs.uuid)
	OR excluded.last_seen >= id_pairs.last_seen + ${REFRESH_AFTER_MS}
	OR excluded.first_seen < id_pairs.first_seen`;

/**
 * ?1 = JSON array of PairEvent; returns the array positions of events that must not be kept, each
 * with whether its visitor opted out (1) or only its partner ID (0).
 */
export const OPTED_OUT_POSITIONS = `SELECT e.key AS position, ${VISITOR_OPTED_OUT} AS visitor
FROM json_each(?1) AS e WHERE ${OPTED_OUT}`;
export interface RefusedPositionRow {
	position: number;
	visitor: 0 | 1;
}

/** ?1 = JSON array of PairEvent; positions of kept events whose partner ID the graph does not hold yet. */
export const NEW_POSITIONS = `SELECT e.key AS position FROM json_each(?1) AS e
WHERE NOT ${OPTED_OUT} AND NOT EXISTS (SELECT 1 FROM id_pairs p
	WHERE p.dpid = e.value ->> '$.dpid' AND p.dpuuid = e.value ->> '$.dpuuid')`;

/** ?1 = uuid: the visitor's pairs, from the (uuid, dpid, last_seen) index and the table. */
export const PAIRS_OF_UUID =
	"SELECT dpid, dpuuid, first_seen, last_seen FROM id_pairs WHERE uuid = ?1 ORDER BY dpid, dpuuid";
export interface VisitorPairRow {
	dpid: number;
	dpuuid: string;
	first_seen: number;
	last_seen: number;
}

export const OPTED_OUT_AT = "SELECT opted_out_at FROM opt_outs WHERE uuid = ?1";
export interface OptedOutRow {
	opted_out_at: number;
}

/** ?1 dpid, ?2 dpuuid: the mapping (if any) and the partner-level opt-out (if any). */
export const PARTNER_ID = `SELECT p.uuid, p.first_seen, p.last_seen, p.paired_at, o.opted_out_at
FROM (SELECT ?1 AS dpid, ?2 AS dpuuid) AS k
LEFT JOIN id_pairs AS p ON p.dpid = k.dpid AND p.dpuuid = k.dpuuid
LEFT JOIN partner_opt_outs AS o ON o.dpid = k.dpid AND o.dpuuid = k.dpuuid`;
export interface PartnerIdRow {
	uuid: string | null;
	first_seen: number | null;
	last_seen: number | null;
	paired_at: number | null;
	opted_out_at: number | null;
}

export const IS_OPTED_OUT = "SELECT 1 AS yes FROM opt_outs WHERE uuid = ?1";

/** ?1 = uuid, ?2 = time. */
export const RECORD_OPT_OUT = "INSERT INTO opt_outs (uuid, opted_out_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
export const DELETE_PAIRS_OF_UUID = "DELETE FROM id_pairs WHERE uuid = ?1";
/** ?1 uuid, ?2 time: before its pairs go, remember them so the next iter files can list the removal. */
export const TOMBSTONE_PAIRS_OF_UUID = `INSERT INTO outbound_tombstones (dpid, dpuuid, uuid, removed_at)
SELECT dpid, dpuuid, uuid, ?2 FROM id_pairs WHERE uuid = ?1
ON CONFLICT (dpid, dpuuid) DO UPDATE SET uuid = excluded.uuid, removed_at = excluded.removed_at`;
/** An opted-out visitor keeps no traits either (SPEC §3: "remove that UUID's pairs and memberships"). */
export const DELETE_MEMBERSHIPS_OF_UUID = "DELETE FROM trait_memberships WHERE uuid = ?1";
/** ?1 uuid, ?2 time: the visitor leaves every segment (outbound files list it as removed once). */
export const LEAVE_ALL_SEGMENTS = "UPDATE segment_memberships SET left_at = ?2 WHERE uuid = ?1 AND left_at IS NULL";

/**
 * ?1 = dpid, ?2 = dpuuid, ?3 = time. Only a partner ID the graph holds leaves a row: a made-up ID has
 * nothing to erase, and remembering it would let anyone grow this table without bound. So the table
 * never outgrows the pairs the edge has seen (each row replaces the pair it blocks).
 */
export const RECORD_PARTNER_OPT_OUT = `INSERT INTO partner_opt_outs (dpid, dpuuid, opted_out_at)
SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM id_pairs WHERE dpid = ?1 AND dpuuid = ?2)
ON CONFLICT DO NOTHING`;
export const DELETE_PARTNER_PAIR = "DELETE FROM id_pairs WHERE dpid = ?1 AND dpuuid = ?2";
/** ?1 dpid, ?2 dpuuid, ?3 time: the same for one partner ID. */
export const TOMBSTONE_PARTNER_PAIR = `INSERT INTO outbound_tombstones (dpid, dpuuid, uuid, removed_at)
SELECT dpid, dpuuid, uuid, ?3 FROM id_pairs WHERE dpid = ?1 AND dpuuid = ?2
ON CONFLICT (dpid, dpuuid) DO UPDATE SET uuid = excluded.uuid, removed_at = excluded.removed_at`;

export interface PositionRow {
	position: number;
}

export function eventsJson(events: readonly PairEvent[]): string {
	return JSON.stringify(events.map(({ dpid, dpuuid, uuid, at }) => ({ dpid, dpuuid, uuid, at })));
}

/** ?1 dpid, ?2 JSON array of partner user ids → their UUIDs (inbound files name users by partner ID). */
export const UUIDS_OF_PARTNER_IDS = `SELECT dpuuid, uuid FROM id_pairs
	WHERE dpid = ?1 AND dpuuid IN (SELECT value FROM json_each(?2))`;
export interface ResolvedIdRow {
	dpuuid: string;
	uuid: string;
}

/** ?1 JSON array of UUIDs: those that opted out. */
export const OPTED_OUT_AMONG = "SELECT uuid FROM opt_outs WHERE uuid IN (SELECT value FROM json_each(?1))";
export interface UuidRow {
	uuid: string;
}

/*
 * The graph copy (D1 → shards) reads each table in key order, a page at a time (keyset pagination:
 * ?1/?2 the last key copied, ?3 the page size), so a page costs the same at the start and the end.
 */
export const PAIRS_PAGE = `SELECT dpid, dpuuid, uuid, first_seen, last_seen, paired_at FROM id_pairs
WHERE (dpid, dpuuid) > (?1, ?2) ORDER BY dpid, dpuuid LIMIT ?3`;
export interface PairPageRow {
	dpid: number;
	dpuuid: string;
	uuid: string;
	first_seen: number;
	last_seen: number;
	paired_at: number;
}
export const OPT_OUTS_PAGE = "SELECT uuid, opted_out_at FROM opt_outs WHERE uuid > ?1 ORDER BY uuid LIMIT ?2";
export interface OptOutPageRow {
	uuid: string;
	opted_out_at: number;
}
export const PARTNER_OPT_OUTS_PAGE = `SELECT dpid, dpuuid, opted_out_at FROM partner_opt_outs
WHERE (dpid, dpuuid) > (?1, ?2) ORDER BY dpid, dpuuid LIMIT ?3`;
export interface PartnerOptOutPageRow {
	dpid: number;
	dpuuid: string;
	opted_out_at: number;
}
export const TOMBSTONES_PAGE = `SELECT dpid, dpuuid, uuid, removed_at FROM outbound_tombstones
WHERE (dpid, dpuuid) > (?1, ?2) ORDER BY dpid, dpuuid LIMIT ?3`;
export interface TombstonePageRow {
	dpid: number;
	dpuuid: string;
	uuid: string;
	removed_at: number;
}
/** ?1/?2 the last (uuid, trait_id) copied, ?3 the page size. */
export const TRAITS_PAGE = `SELECT uuid, trait_id AS id, dpid, realized_at FROM trait_memberships
WHERE (uuid, trait_id) > (?1, ?2) ORDER BY uuid, trait_id LIMIT ?3`;
export interface TraitPageRow {
	uuid: string;
	id: number;
	dpid: number;
	realized_at: number;
}
/** ?1/?2 the last (uuid, segment_id) copied, ?3 the page size (segment_memberships_by_uuid's order). */
export const SEGMENT_ROWS_PAGE = `SELECT uuid, segment_id AS id, entered_at, left_at FROM segment_memberships
WHERE (uuid, segment_id) > (?1, ?2) ORDER BY uuid, segment_id LIMIT ?3`;
export interface SegmentPageRow {
	uuid: string;
	id: number;
	entered_at: number;
	left_at: number | null;
}
/** What D1 holds, to compare with the shards when a copy ends. */
export const GRAPH_COUNTS = `SELECT (SELECT count(*) FROM id_pairs) AS pairs, (SELECT count(*) FROM opt_outs) AS opt_outs,
	(SELECT count(*) FROM partner_opt_outs) AS partner_opt_outs, (SELECT count(*) FROM trait_memberships) AS traits,
	(SELECT count(*) FROM segment_memberships) AS segment_rows`;
export interface GraphCountsRow {
	pairs: number;
	opt_outs: number;
	partner_opt_outs: number;
	traits: number;
	segment_rows: number;
}

/**
 * Whether D1 holds a graph (any pair or global opt-out) and whether a copy of it into the shards ever
 * ended complete: a deployment reading the shards with a graph stranded in D1 must not serve.
 */
export const STRANDED_GRAPH = `SELECT (EXISTS (SELECT 1 FROM id_pairs) OR EXISTS (SELECT 1 FROM opt_outs)) AS held,
	EXISTS (SELECT 1 FROM graph_copies WHERE counts ->> '$.complete' = 1) AS copied`;
export interface StrandedGraphRow {
	held: number;
	copied: number;
}

import { MAX_IDS_PER_LINE } from "../memberships/listing";
import { REFRESH_AFTER_MS } from "../refresh";

/**
 * SQL of a visitor shard's trait and segment memberships (the schema steps are in visitor-queries.ts).
 * Every statement is keyed by the visitor: the shard's keys are its visitors.
 */

export const TRAITS_OF = "SELECT trait_id, dpid FROM traits WHERE uuid = ?1 ORDER BY trait_id";
export type TraitRow = {
	trait_id: number;
	dpid: number;
};
/** ?1 JSON array of UUIDs: their traits, in one statement. */
export const TRAITS_AMONG = "SELECT uuid, trait_id, dpid FROM traits WHERE uuid IN (SELECT value FROM json_each(?1))";
export type UserTraitRow = TraitRow & { uuid: string };
/** ?1 JSON array of UUIDs: the segments they are in now. */
export const ACTIVE_SEGMENTS_AMONG = `SELECT uuid, segment_id FROM segments
WHERE uuid IN (SELECT value FROM json_each(?1)) AND left_at IS NULL`;
export type UserSegmentRow = SegmentIdRow & { uuid: string };
export type SegmentIdRow = {
	segment_id: number;
};
/** ?1 uuid: every segment row, left ones included. */
export const SEGMENT_HISTORY_OF = "SELECT segment_id, entered_at, left_at FROM segments WHERE uuid = ?1";
/**
 * ?1 memberships that ended at or before this time are skipped, ?2 JSON list of uuids: those visitors'
 * segment rows (one statement for a page's visitors; one per visitor cost ~40 µs each in the SQL API,
 * half an outbound run's time). A range scan of the primary key per visitor; the caller keeps the
 * mapped segments (up to 500 of them: one lookup per visitor and segment would cost more).
 */
export const SEGMENT_ROWS_AMONG = `SELECT uuid, segment_id, entered_at, left_at FROM segments
WHERE uuid IN (SELECT value FROM json_each(?2)) AND (left_at IS NULL OR left_at > ?1)`;
export type SegmentRowOf = SegmentRow & { uuid: string };
export type SegmentRow = {
	segment_id: number;
	entered_at: number;
	left_at: number | null;
};

/** ?1 uuid, ?2 source dpid. */
export const CLEAR_SOURCE_TRAITS = "DELETE FROM traits WHERE uuid = ?1 AND dpid = ?2";
export const REMOVE_TRAIT = "DELETE FROM traits WHERE uuid = ?1 AND trait_id = ?2";
/** ?1 source dpid, ?2 JSON array of UUIDs: an .overwrite clears the source's traits of each. */
export const CLEAR_SOURCE_TRAITS_AMONG =
	"DELETE FROM traits WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))";
/** ?1 JSON array of [uuid, trait]. */
export const REMOVE_TRAITS = `DELETE FROM traits WHERE (uuid, trait_id) IN
(SELECT value ->> 0, value ->> 1 FROM json_each(?1))`;
/** ?1 source, ?2 now, ?3 JSON array of [uuid, trait]: a trait re-asserted within a day writes nothing (refresh.ts). */
export const ADD_TRAITS = `INSERT INTO traits (uuid, trait_id, dpid, realized_at)
SELECT value ->> 0, value ->> 1, ?1, ?2 FROM json_each(?3) WHERE true
ON CONFLICT (uuid, trait_id) DO UPDATE SET realized_at = excluded.realized_at
WHERE excluded.realized_at >= realized_at + ${REFRESH_AFTER_MS}`;
/** ?1 now, ?2 JSON array of [segment, uuid]: enter (again). */
export const ENTER_SEGMENTS = `INSERT INTO segments (uuid, segment_id, entered_at, left_at)
SELECT value ->> 1, value ->> 0, ?1, NULL FROM json_each(?2) WHERE true
ON CONFLICT (uuid, segment_id) DO UPDATE SET entered_at = excluded.entered_at, left_at = NULL`;
/** ?1 now, ?2 JSON array of [segment, uuid]. */
export const LEAVE_SEGMENTS = `UPDATE segments SET left_at = ?1
WHERE left_at IS NULL AND (uuid, segment_id) IN (SELECT value ->> 1, value ->> 0 FROM json_each(?2))`;
/** ?1 uuid, ?2 now: a global opt-out leaves every segment and drops every trait. */
export const LEAVE_ALL_SEGMENTS = "UPDATE segments SET left_at = ?2 WHERE uuid = ?1 AND left_at IS NULL";
export const DROP_TRAITS_OF = "DELETE FROM traits WHERE uuid = ?1";

export const APPLIED_RESULT = "SELECT result FROM applied WHERE key = ?1";
export type AppliedRow = {
	result: string;
};
export const RECORD_APPLIED = "INSERT INTO applied (key, result, applied_at) VALUES (?1, ?2, ?3)";
export const PRUNE_APPLIED = "DELETE FROM applied WHERE applied_at < ?1";

/** Deleting a trait or a segment: rare operator actions, so a scan of the shard is fine. */
export const DROP_TRAIT = "DELETE FROM traits WHERE trait_id = ?1";
export const DROP_SEGMENT = "DELETE FROM segments WHERE segment_id = ?1";

/** ?1 after this UUID, ?2 most. */
export const USERS_WITH_TRAITS_PAGE = "SELECT DISTINCT uuid FROM traits WHERE uuid > ?1 ORDER BY uuid LIMIT ?2";
/** ?1 segment, ?2 after this UUID, ?3 most: members who hold no trait at all. */
export const TRAITLESS_MEMBERS_PAGE = `SELECT s.uuid FROM segments s
WHERE s.segment_id = ?1 AND s.left_at IS NULL AND s.uuid > ?2
	AND NOT EXISTS (SELECT 1 FROM traits t WHERE t.uuid = s.uuid)
ORDER BY s.uuid LIMIT ?3`;
export type UuidRow = {
	uuid: string;
};
export const COUNT_TRAITS = "SELECT count(*) AS n FROM traits";
export const COUNT_SEGMENT_ROWS = "SELECT count(*) AS n FROM segments";

/** The graph copy (D1 → shards): a row already here came from a dual write, as new or newer. */
/** ?1 JSON array of [uuid, trait, dpid, realized_at]; those of visitors who opted out are skipped. */
export const IMPORT_TRAITS = `INSERT INTO traits (uuid, trait_id, dpid, realized_at)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)
WHERE NOT EXISTS (SELECT 1 FROM opt_outs WHERE opt_outs.uuid = value ->> 0)
ON CONFLICT (uuid, trait_id) DO NOTHING`;
/** ?1 JSON array of [uuid, segment, entered_at, left_at]. */
export const IMPORT_SEGMENT_ROWS = `INSERT INTO segments (uuid, segment_id, entered_at, left_at)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1) WHERE true
ON CONFLICT (uuid, segment_id) DO NOTHING`;

/** ?1 time, ?2 JSON array of uuids: their outbound lines may have changed at this time (iter runs read it). */
export const LOG_CHANGES =
	"INSERT INTO changes (at, uuid) SELECT ?1, value FROM json_each(?2) WHERE true ON CONFLICT DO NOTHING";
/** ?1 the oldest change still kept. */
export const PRUNE_CHANGES = "DELETE FROM changes WHERE at < ?1";
/**
 * ?1 dpid, ?2 after this partner ID, ?3 since, ?4 until, ?5 most: the partner's IDs held by visitors
 * whose lines changed in (since, until], in key order. Driven by the log: each changed visitor's pairs
 * are read by their key, so the cost follows the changes, not the partner's IDs.
 */
export const CHANGED_PAIRS = `SELECT p.dpuuid, p.uuid FROM pairs p
WHERE p.uuid IN (SELECT DISTINCT uuid FROM changes WHERE at > ?3 AND at <= ?4) AND p.dpid = ?1 AND p.dpuuid > ?2
ORDER BY p.dpuuid LIMIT ?5`;
export type ChangedPairRow = {
	dpuuid: string;
	uuid: string;
};

/**
 * ?1 dpid, ?2 JSON array of UUIDs: the partner's first MAX_IDS_PER_LINE IDs (key order) paired with each
 * of those visitors (outbound templates), read along the primary key: at most that many rows a visitor,
 * however many IDs it holds.
 */
export const PARTNER_IDS_AMONG = `SELECT u.value AS uuid, ids.value AS dpuuid FROM json_each(?2) u,
	json_each((SELECT json_group_array(dpuuid) FROM (SELECT dpuuid FROM pairs
		WHERE uuid = u.value AND dpid = ?1 ORDER BY dpuuid LIMIT ${MAX_IDS_PER_LINE}))) ids`;
/** ?1 JSON array of trait ids, ?2 JSON array of UUIDs: which of those traits the visitors hold, since when. */
export const TRAITS_REALIZED_AMONG = `SELECT uuid, trait_id, realized_at FROM traits
WHERE uuid IN (SELECT value FROM json_each(?2)) AND trait_id IN (SELECT value FROM json_each(?1))`;

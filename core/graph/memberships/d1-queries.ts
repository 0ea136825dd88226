import { REFRESH_AFTER_MS } from "../refresh";
import { MAX_IDS_PER_LINE } from "./listing";

/**
 * SQL of trait and segment memberships in D1 (the reference store). Bulk statements take one JSON
 * array parameter expanded with json_each (core/db/json-each.ts). Times are Unix ms.
 */

/** ?1 JSON array of UUIDs: every trait of those users. */
export const TRAITS_OF_USERS =
	"SELECT uuid, trait_id, dpid FROM trait_memberships WHERE uuid IN (SELECT value FROM json_each(?1))";
export interface TraitRow {
	uuid: string;
	trait_id: number;
	/** The data source that gave the trait. */
	dpid: number;
}

/** ?1 JSON array of UUIDs: the segments those users are in now. */
export const ACTIVE_SEGMENTS_OF_USERS = `SELECT segment_id, uuid FROM segment_memberships
	WHERE uuid IN (SELECT value FROM json_each(?1)) AND left_at IS NULL`;
export interface ActiveSegmentRow {
	segment_id: number;
	uuid: string;
}

/** ?1 uuid: every segment row of the visitor, left ones included. */
export const SEGMENT_HISTORY_OF = `SELECT segment_id, entered_at, left_at FROM segment_memberships
	WHERE uuid = ?1 ORDER BY segment_id`;
export interface SegmentHistoryRow {
	segment_id: number;
	entered_at: number;
	left_at: number | null;
}

/** ?1 source dpid, ?2 JSON array of UUIDs: an .overwrite clears these users' traits of that source. */
export const CLEAR_SOURCE_TRAITS = `DELETE FROM trait_memberships
	WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))`;

/** ?1 JSON array of [uuid, trait_id]. */
export const REMOVE_TRAITS = `DELETE FROM trait_memberships
	WHERE (uuid, trait_id) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/**
 * ?1 JSON array of [uuid, trait_id], ?2 source dpid, ?3 now. A trait re-asserted less than a day after
 * it was last realized writes nothing (row and index untouched): `realized_at` has a day's precision,
 * as a pair's `last_seen` has (core/graph/refresh.ts).
 */
export const ADD_TRAITS = `INSERT INTO trait_memberships (uuid, trait_id, dpid, realized_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, ?3 FROM json_each(?1) WHERE true
	ON CONFLICT (uuid, trait_id) DO UPDATE SET realized_at = excluded.realized_at
	WHERE excluded.realized_at >= trait_memberships.realized_at + ${REFRESH_AFTER_MS}`;

/** ?1 JSON array of [segment_id, uuid], ?2 now: enter (again). */
export const ENTER_SEGMENTS = `INSERT INTO segment_memberships (segment_id, uuid, entered_at, left_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, NULL FROM json_each(?1) WHERE true
	ON CONFLICT (segment_id, uuid) DO UPDATE SET entered_at = excluded.entered_at, left_at = NULL`;

/** ?1 JSON array of [segment_id, uuid], ?2 now. */
export const LEAVE_SEGMENTS = `UPDATE segment_memberships SET left_at = ?2
	WHERE left_at IS NULL AND (segment_id, uuid) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/** ?1 key: the result of a change applied before. */
export const APPLIED_RESULT = "SELECT result FROM graph_applied_changes WHERE key = ?1";
/** ?1 key, ?2 result JSON, ?3 now. No ON CONFLICT: a concurrent second application fails and rolls back. */
export const RECORD_APPLIED = "INSERT INTO graph_applied_changes (key, result, applied_at) VALUES (?1, ?2, ?3)";
/** ?1 the oldest time still kept. */
export const PRUNE_APPLIED = "DELETE FROM graph_applied_changes WHERE applied_at < ?1";

/** ?1 trait id: a deleted trait is held by no one (re-created with the same id, it starts empty). */
export const DROP_TRAIT = "DELETE FROM trait_memberships WHERE trait_id = ?1";
/** ?1 segment id. */
export const DROP_SEGMENT = "DELETE FROM segment_memberships WHERE segment_id = ?1";

/** ?1 after this UUID, ?2 most: users who hold any trait, in UUID order (the primary key's order). */
export const USERS_WITH_TRAITS_PAGE =
	"SELECT DISTINCT uuid FROM trait_memberships WHERE uuid > ?1 ORDER BY uuid LIMIT ?2";

/** ?1 segment, ?2 after this UUID, ?3 most: its members who hold no trait at all (a rule like NOT T3). */
export const TRAITLESS_MEMBERS_PAGE = `SELECT m.uuid FROM segment_memberships m
WHERE m.segment_id = ?1 AND m.left_at IS NULL AND m.uuid > ?2
	AND NOT EXISTS (SELECT 1 FROM trait_memberships t WHERE t.uuid = m.uuid)
ORDER BY m.uuid LIMIT ?3`;
export interface UuidRow {
	uuid: string;
}

/**
 * A page of a partner's paired users with their memberships in the mapped segments, in partner-ID
 * order. ?1 dpid, ?2 after this partner ID, ?3 JSON segment ids, ?4 memberships that ended at or before
 * this time are skipped, ?5 most rows. The CROSS JOIN keeps SQLite walking id_pairs' primary key, so
 * each page is a range scan that stops at the limit rather than a sort of every member.
 */
export const MEMBER_PAGE = `SELECT p.dpuuid, p.uuid, p.paired_at AS since, m.segment_id, m.entered_at, m.left_at
FROM id_pairs p CROSS JOIN segment_memberships m ON m.uuid = p.uuid
WHERE p.dpid = ?1 AND p.dpuuid > ?2 AND m.segment_id IN (SELECT value FROM json_each(?3))
	AND (m.left_at IS NULL OR m.left_at > ?4)
ORDER BY p.dpuuid LIMIT ?5`;

/**
 * The same for partner IDs whose pair an opt-out deleted in (?4, ?6]: `since` is the removal time.
 * Every membership the partner may still hold matters: active at the window's start or entered since
 * (a segment left in the window, before the opt-out, was never reported as left).
 */
export const REMOVAL_PAGE = `SELECT t.dpuuid, t.uuid, t.removed_at AS since, m.segment_id, m.entered_at, m.left_at
FROM outbound_tombstones t CROSS JOIN segment_memberships m ON m.uuid = t.uuid
WHERE t.dpid = ?1 AND t.dpuuid > ?2 AND m.segment_id IN (SELECT value FROM json_each(?3))
	AND t.removed_at > ?4 AND t.removed_at <= ?6 AND (m.left_at IS NULL OR m.left_at > ?4)
ORDER BY t.dpuuid LIMIT ?5`;

/**
 * Upper bounds on a listing's partner IDs, without moving rows: partner IDs with any membership row the
 * pages would read (MEMBER_PAGE's filter; ?1 dpid, ?2 JSON segment ids, ?3 the time as in its ?4), and
 * opt-out tombstones in the window (?1 dpid, ?2 segments, ?3 since, ?4 until).
 */
export const MEMBER_BOUND = `SELECT count(DISTINCT p.dpuuid) AS n
FROM id_pairs p CROSS JOIN segment_memberships m ON m.uuid = p.uuid
WHERE p.dpid = ?1 AND m.segment_id IN (SELECT value FROM json_each(?2)) AND (m.left_at IS NULL OR m.left_at > ?3)`;
/** Every ?4-th partner ID MEMBER_BOUND counts (?1 dpid, ?2 segments, ?3 time), but not the last: exact cuts. */
export const MEMBER_CUTS = `SELECT dpuuid FROM (
	SELECT dpuuid, row_number() OVER (ORDER BY dpuuid) AS r, count(*) OVER () AS n FROM (
		SELECT DISTINCT p.dpuuid FROM id_pairs p CROSS JOIN segment_memberships m ON m.uuid = p.uuid
		WHERE p.dpid = ?1 AND m.segment_id IN (SELECT value FROM json_each(?2)) AND (m.left_at IS NULL OR m.left_at > ?3)
	)
) WHERE r % ?4 = 0 AND r < n ORDER BY r`;
export const REMOVAL_BOUND = `SELECT count(*) AS n FROM outbound_tombstones t
WHERE t.dpid = ?1 AND t.removed_at > ?3 AND t.removed_at <= ?4
	AND EXISTS (SELECT 1 FROM segment_memberships m WHERE m.uuid = t.uuid AND m.segment_id IN (SELECT value FROM json_each(?2)))`;
export interface CountRow {
	n: number;
}

/** ?1 time: tombstones older than every iter run could still need. */
export const PRUNE_REMOVALS = "DELETE FROM outbound_tombstones WHERE removed_at < ?1";

/**
 * ?1 dpid, ?2 JSON array of UUIDs: the partner's first MAX_IDS_PER_LINE IDs (key order) paired with each
 * of those visitors (outbound templates), never the rest: a visitor may hold any number of them.
 */
export const PARTNER_IDS_OF_USERS = `SELECT u.value AS uuid, ids.value AS dpuuid FROM json_each(?2) u,
	json_each((SELECT json_group_array(dpuuid) FROM (SELECT dpuuid FROM id_pairs
		WHERE uuid = u.value AND dpid = ?1 ORDER BY dpuuid LIMIT ${MAX_IDS_PER_LINE}))) ids`;
/** ?1 JSON array of trait ids, ?2 JSON array of UUIDs: which of those traits the visitors hold, since when. */
export const TRAITS_REALIZED_OF_USERS = `SELECT uuid, trait_id, realized_at FROM trait_memberships
WHERE uuid IN (SELECT value FROM json_each(?2)) AND trait_id IN (SELECT value FROM json_each(?1))`;

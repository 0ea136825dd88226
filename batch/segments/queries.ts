import { parseSegmentRule, STORED_RULE_MAX_DEPTH } from "./rule";
import type { Segment } from "./schema";

// SQL of segments and their memberships (times are Unix ms).

export interface SegmentRow {
	id: number;
	name: string;
	rule: string;
	created_at: number;
	updated_at: number;
}

const COLUMNS = "id, name, rule, created_at, updated_at";

export const LIST_SEGMENTS = `SELECT ${COLUMNS} FROM segments ORDER BY id`;
/** ?1 id. */
export const GET_SEGMENT = `SELECT ${COLUMNS} FROM segments WHERE id = ?1`;
/** ?1 id, ?2 name, ?3 rule, ?4 now. Creates or replaces; created_at stays. */
export const PUT_SEGMENT = `INSERT INTO segments (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?4)
ON CONFLICT (id) DO UPDATE SET name = ?2, rule = ?3, updated_at = ?4 RETURNING ${COLUMNS}`;
/** ?1 id; with DELETE_MEMBERSHIPS_OF, in one transaction. */
export const DELETE_SEGMENT = "DELETE FROM segments WHERE id = ?1";
export const DELETE_MEMBERSHIPS_OF = "DELETE FROM segment_memberships WHERE segment_id = ?1";

/** ?1 JSON array of ids: those that are segments. */
export const EXISTING_SEGMENT_IDS = "SELECT id FROM segments WHERE id IN (SELECT value FROM json_each(?1))";

/** ?1 JSON array of UUIDs: every trait of those users. */
export const TRAITS_OF_USERS =
	"SELECT uuid, trait_id, dpid FROM trait_memberships WHERE uuid IN (SELECT value FROM json_each(?1))";
export interface UserTraitRow {
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

/** ?1 JSON array of [segment_id, uuid], ?2 now: enter (again). */
export const ENTER_SEGMENTS = `INSERT INTO segment_memberships (segment_id, uuid, entered_at, left_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, NULL FROM json_each(?1) WHERE true
	ON CONFLICT (segment_id, uuid) DO UPDATE SET entered_at = excluded.entered_at, left_at = NULL`;

/** ?1 JSON array of [segment_id, uuid], ?2 now. */
export const LEAVE_SEGMENTS = `UPDATE segment_memberships SET left_at = ?2
	WHERE left_at IS NULL AND (segment_id, uuid) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/** ?1 after this UUID, ?2 most: users who hold any trait, in UUID order (the primary key's order). */
export const USERS_WITH_TRAITS_PAGE =
	"SELECT DISTINCT uuid FROM trait_memberships WHERE uuid > ?1 ORDER BY uuid LIMIT ?2";

/** ?1 segment, ?2 after this UUID, ?3 most: its members who hold no trait at all (a rule like NOT T3). */
export const TRAITLESS_MEMBERS_PAGE = `SELECT m.uuid FROM segment_memberships m
WHERE m.segment_id = ?1 AND m.left_at IS NULL AND m.uuid > ?2
	AND NOT EXISTS (SELECT 1 FROM trait_memberships t WHERE t.uuid = m.uuid)
ORDER BY m.uuid LIMIT ?3`;

export function toSegment(row: SegmentRow): Segment {
	return {
		id: row.id,
		name: row.name,
		rule: row.rule,
		tree: parseSegmentRule(row.rule, STORED_RULE_MAX_DEPTH),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

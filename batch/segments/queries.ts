import { parseSegmentRule, STORED_RULE_MAX_DEPTH } from "./rule";
import type { Segment } from "./schema";

// SQL of segment definitions (times are Unix ms); memberships are the graph's (core/graph/memberships).

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
/** ?1 id (its memberships are dropped through the graph store first). */
export const DELETE_SEGMENT = "DELETE FROM segments WHERE id = ?1";

/** ?1 JSON array of ids: those that are segments. */
export const EXISTING_SEGMENT_IDS = "SELECT id FROM segments WHERE id IN (SELECT value FROM json_each(?1))";

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

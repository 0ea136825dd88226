import { allInSlices } from "../../core/db/json-each";
import { parseSegmentRule, type SegmentRule, STORED_RULE_MAX_DEPTH, traitsOf } from "./rule";

/** A segment as stored, with its rule parsed. */
export interface Segment {
	id: number;
	name: string;
	rule: string;
	tree: SegmentRule;
	createdAt: number;
	updatedAt: number;
}

interface SegmentRow {
	id: number;
	name: string;
	rule: string;
	created_at: number;
	updated_at: number;
}

const COLUMNS = "id, name, rule, created_at, updated_at";

function toSegment(row: SegmentRow): Segment {
	return {
		id: row.id,
		name: row.name,
		rule: row.rule,
		tree: parseSegmentRule(row.rule, STORED_RULE_MAX_DEPTH),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export async function listSegments(db: D1Database): Promise<Segment[]> {
	const { results } = await db.prepare(`SELECT ${COLUMNS} FROM segments ORDER BY id`).all<SegmentRow>();
	return results.map(toSegment);
}

export async function getSegment(db: D1Database, id: number): Promise<Segment | null> {
	const row = await db.prepare(`SELECT ${COLUMNS} FROM segments WHERE id = ?1`).bind(id).first<SegmentRow>();
	return row ? toSegment(row) : null;
}

export async function putSegment(
	db: D1Database,
	s: Pick<Segment, "id" | "name" | "rule">,
	now: number,
): Promise<Segment> {
	const row = await db
		.prepare(
			`INSERT INTO segments (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?4)
			 ON CONFLICT (id) DO UPDATE SET name = ?2, rule = ?3, updated_at = ?4 RETURNING ${COLUMNS}`,
		)
		.bind(s.id, s.name, s.rule, now)
		.first<SegmentRow>();
	if (!row) throw new Error(`segment ${s.id} was not written`);
	return toSegment(row);
}

export async function deleteSegment(db: D1Database, id: number): Promise<boolean> {
	const [deleted] = await db.batch([
		db.prepare("DELETE FROM segments WHERE id = ?1").bind(id),
		db.prepare("DELETE FROM segment_memberships WHERE segment_id = ?1").bind(id),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
}

/** ?1 JSON array of UUIDs: every trait of those users. */
export const TRAITS_OF_USERS =
	"SELECT uuid, trait_id, dpid FROM trait_memberships WHERE uuid IN (SELECT value FROM json_each(?1))";

/** ?1 JSON array of UUIDs: the segments those users are in now. */
export const ACTIVE_SEGMENTS_OF_USERS = `SELECT segment_id, uuid FROM segment_memberships
	WHERE uuid IN (SELECT value FROM json_each(?1)) AND left_at IS NULL`;

/** ?1 JSON array of [segment_id, uuid], ?2 now: enter (again). */
export const ENTER_SEGMENTS = `INSERT INTO segment_memberships (segment_id, uuid, entered_at, left_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, NULL FROM json_each(?1) WHERE true
	ON CONFLICT (segment_id, uuid) DO UPDATE SET entered_at = excluded.entered_at, left_at = NULL`;

/** ?1 JSON array of [segment_id, uuid], ?2 now. */
export const LEAVE_SEGMENTS = `UPDATE segment_memberships SET left_at = ?2
	WHERE left_at IS NULL AND (segment_id, uuid) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/** Which of `ids` are segments (to refuse destinations that map unknown ones). */
export async function existingSegmentIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
	const rows = await allInSlices<{ id: number }>(
		db,
		"SELECT id FROM segments WHERE id IN (SELECT value FROM json_each(?1))",
		ids,
	);
	return new Set(rows.map((r) => r.id));
}

/** ?1 after this UUID, ?2 most: users who hold any trait, in UUID order (the primary key's order). */
export const USERS_WITH_TRAITS_PAGE =
	"SELECT DISTINCT uuid FROM trait_memberships WHERE uuid > ?1 ORDER BY uuid LIMIT ?2";

/** ?1 segment, ?2 after this UUID, ?3 most: its members who hold no trait at all (a rule like NOT T3). */
export const TRAITLESS_MEMBERS_PAGE = `SELECT m.uuid FROM segment_memberships m
WHERE m.segment_id = ?1 AND m.left_at IS NULL AND m.uuid > ?2
	AND NOT EXISTS (SELECT 1 FROM trait_memberships t WHERE t.uuid = m.uuid)
ORDER BY m.uuid LIMIT ?3`;

/** The segments whose rule names trait `traitId` (a trait in use cannot be deleted). */
export async function segmentsUsingTrait(db: D1Database, traitId: number): Promise<number[]> {
	return (await listSegments(db)).filter((s) => traitsOf(s.tree).has(traitId)).map((s) => s.id);
}

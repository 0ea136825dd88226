import { allInSlices } from "../../core/db/json-each";
import type { PairStore } from "../../core/graph/store";
import * as sql from "./queries";
import { positiveTraitsOf, traitsOf } from "./rule";
import type { Segment } from "./schema";

export async function listSegments(db: D1Database): Promise<Segment[]> {
	const { results } = await db.prepare(sql.LIST_SEGMENTS).all<sql.SegmentRow>();
	return results.map(sql.toSegment);
}

export async function findSegment(db: D1Database, id: number): Promise<Segment | null> {
	const row = await db.prepare(sql.GET_SEGMENT).bind(id).first<sql.SegmentRow>();
	return row ? sql.toSegment(row) : null;
}

export async function putSegment(
	db: D1Database,
	s: Pick<Segment, "id" | "name" | "rule">,
	now: number,
): Promise<Segment> {
	const row = await db.prepare(sql.PUT_SEGMENT).bind(s.id, s.name, s.rule, now).first<sql.SegmentRow>();
	if (!row) throw new Error(`segment ${s.id} was not written`);
	return sql.toSegment(row);
}

/**
 * Deletes the segment: its memberships first, through the graph store, so a retry after a failure
 * between the two still finds the segment. False when there was no such segment.
 */
export async function deleteSegment(db: D1Database, graph: PairStore, id: number): Promise<boolean> {
	if (!(await findSegment(db, id))) return false;
	await graph.dropSegment(id);
	const deleted = await db.prepare(sql.DELETE_SEGMENT).bind(id).run();
	return deleted.meta.changes > 0;
}

/** Which of `ids` are segments (to refuse destinations that map unknown ones). */
export async function existingSegmentIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
	const rows = await allInSlices<{ id: number }>(db, sql.EXISTING_SEGMENT_IDS, ids);
	return new Set(rows.map((r) => r.id));
}

/** The segments whose rule names trait `traitId` (a trait in use cannot be deleted). */
export async function segmentsUsingTrait(db: D1Database, traitId: number): Promise<number[]> {
	return (await listSegments(db)).filter((s) => traitsOf(s.tree).has(traitId)).map((s) => s.id);
}

/**
 * For each of `segmentIds`, the traits its rule names outside any NOT, ascending: what an outbound
 * TRAIT_LIST may name for a member of that segment (membership already implies them).
 */
export async function positiveTraitsBySegment(
	db: D1Database,
	segmentIds: readonly number[],
): Promise<Record<string, number[]>> {
	const wanted = new Set(segmentIds);
	const out: Record<string, number[]> = {};
	for (const s of await listSegments(db)) {
		if (wanted.has(s.id)) out[s.id] = [...positiveTraitsOf(s.tree)].sort((a, b) => a - b);
	}
	return out;
}

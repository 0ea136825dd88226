import { allInSlices, slices } from "../../core/db/json-each";
import * as sql from "./queries";
import { traitsOf } from "./rule";
import type { Segment } from "./schema";

/** A segment entered or left: [segment id, uuid]. */
export type Membership = [segmentId: number, uuid: string];

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

/** Deletes the segment with its memberships; false when there was no such segment. */
export async function deleteSegment(db: D1Database, id: number): Promise<boolean> {
	const [deleted] = await db.batch([
		db.prepare(sql.DELETE_SEGMENT).bind(id),
		db.prepare(sql.DELETE_MEMBERSHIPS_OF).bind(id),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
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

export function traitsOfUsers(db: D1Database, users: readonly string[]): Promise<sql.UserTraitRow[]> {
	return allInSlices<sql.UserTraitRow>(db, sql.TRAITS_OF_USERS, users);
}

export function activeSegmentsOfUsers(db: D1Database, users: readonly string[]): Promise<sql.ActiveSegmentRow[]> {
	return allInSlices<sql.ActiveSegmentRow>(db, sql.ACTIVE_SEGMENTS_OF_USERS, users);
}

/** The statements that write who entered and left (entered_at/left_at = now), for the caller's transaction. */
export function membershipStatements(
	db: D1Database,
	changes: { enter: readonly Membership[]; leave: readonly Membership[] },
	now: number,
): D1PreparedStatement[] {
	return [
		...slices(changes.enter).map((part) => db.prepare(sql.ENTER_SEGMENTS).bind(JSON.stringify(part), now)),
		...slices(changes.leave).map((part) => db.prepare(sql.LEAVE_SEGMENTS).bind(JSON.stringify(part), now)),
	];
}

/** Up to `limit` users who hold any trait, after UUID `after`, in UUID order. */
export async function usersWithTraits(db: D1Database, after: string, limit: number): Promise<string[]> {
	const { results } = await db.prepare(sql.USERS_WITH_TRAITS_PAGE).bind(after, limit).all<{ uuid: string }>();
	return results.map((r) => r.uuid);
}

/** Up to `limit` members of the segment who hold no trait at all, after UUID `after`. */
export async function traitlessMembers(db: D1Database, segmentId: number, after: string, limit: number) {
	const page = db.prepare(sql.TRAITLESS_MEMBERS_PAGE).bind(segmentId, after, limit);
	return (await page.all<{ uuid: string }>()).results.map((r) => r.uuid);
}

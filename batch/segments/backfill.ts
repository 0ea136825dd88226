import { allInSlices } from "../../core/db/json-each";
import { activeKey, segmentChanges, segmentStatements } from "./membership";
import * as sql from "./queries";

/** Where a backfill stands: users with traits first, then members left with no trait at all. */
export interface BackfillCursor {
	phase: "with-traits" | "traitless-members";
	after: string;
}
export const BACKFILL_START: BackfillCursor = { phase: "with-traits", after: "" };
const PAGE_USERS = 2_000;

/**
 * One page of a segment's backfill: re-evaluates the segment for up to 2,000 users, in UUID order,
 * and writes who entered and left (entered_at/left_at = now, so the next iter files list them). Stops
 * early when the segment was edited again since (that edit runs its own backfill) or deleted.
 */
export async function backfillPage(
	db: D1Database,
	target: { segmentId: number; updatedAt: number },
	cursor: BackfillCursor,
	now: number,
): Promise<{ next: BackfillCursor | null; entered: number; left: number }> {
	const segment = await sql.getSegment(db, target.segmentId);
	if (segment?.updatedAt !== target.updatedAt) return { next: null, entered: 0, left: 0 };
	const page =
		cursor.phase === "with-traits"
			? db.prepare(sql.USERS_WITH_TRAITS_PAGE).bind(cursor.after, PAGE_USERS)
			: db.prepare(sql.TRAITLESS_MEMBERS_PAGE).bind(segment.id, cursor.after, PAGE_USERS);
	const users = (await page.all<{ uuid: string }>()).results.map((r) => r.uuid);
	const [traitRows, activeRows] = await Promise.all([
		allInSlices<{ uuid: string; trait_id: number }>(db, sql.TRAITS_OF_USERS, users),
		allInSlices<{ segment_id: number; uuid: string }>(db, sql.ACTIVE_SEGMENTS_OF_USERS, users),
	]);
	const traitsAfter = new Map(users.map((u) => [u, new Set<number>()]));
	for (const r of traitRows) traitsAfter.get(r.uuid)?.add(r.trait_id);
	const active = new Set(activeRows.map((r) => activeKey(r.segment_id, r.uuid)));
	const changes = segmentChanges([segment], traitsAfter, active);
	const statements = segmentStatements(db, changes, now);
	if (statements.length > 0) await db.batch(statements);
	const last = users.at(-1);
	const next: BackfillCursor | null =
		users.length === PAGE_USERS && last
			? { phase: cursor.phase, after: last }
			: cursor.phase === "with-traits"
				? { phase: "traitless-members", after: "" }
				: null;
	return { next, entered: changes.enter.length, left: changes.leave.length };
}

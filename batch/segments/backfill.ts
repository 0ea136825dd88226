import { activeKey, segmentChanges } from "./membership";
import {
	activeSegmentsOfUsers,
	findSegment,
	membershipStatements,
	traitlessMembers,
	traitsOfUsers,
	usersWithTraits,
} from "./store";

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
	const segment = await findSegment(db, target.segmentId);
	if (segment?.updatedAt !== target.updatedAt) return { next: null, entered: 0, left: 0 };
	const users =
		cursor.phase === "with-traits"
			? await usersWithTraits(db, cursor.after, PAGE_USERS)
			: await traitlessMembers(db, segment.id, cursor.after, PAGE_USERS);
	const [traitRows, activeRows] = await Promise.all([traitsOfUsers(db, users), activeSegmentsOfUsers(db, users)]);
	const traitsAfter = new Map(users.map((u) => [u, new Set<number>()]));
	for (const r of traitRows) traitsAfter.get(r.uuid)?.add(r.trait_id);
	const active = new Set(activeRows.map((r) => activeKey(r.segment_id, r.uuid)));
	const changes = segmentChanges([segment], traitsAfter, active);
	const statements = membershipStatements(db, changes, now);
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

import type { BackfillCursor, BackfillPage } from "../../core/graph/memberships/types";
import type { PairStore } from "../../core/graph/store";
import { findSegment } from "./store";

/**
 * One page of a segment's backfill: the graph store re-evaluates the segment for a page of users
 * (entered_at/left_at = now, so the next iter files list them). Stops early when the segment was
 * edited again since (that edit runs its own backfill) or deleted.
 */
export async function backfillPage(
	db: D1Database,
	graph: PairStore,
	target: { segmentId: number; updatedAt: number },
	cursor: BackfillCursor,
	now: number,
): Promise<BackfillPage> {
	const segment = await findSegment(db, target.segmentId);
	if (segment?.updatedAt !== target.updatedAt) return { next: null, entered: 0, left: 0 };
	return graph.backfillPage({ id: segment.id, tree: segment.tree }, cursor, now);
}

import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import type { Segment } from "../segments/schema";
import type { TraitCatalog } from "../traits/catalog";
import { type ChunkLine, type ChunkState, type ChunkTarget, decideChunk } from "./chunk-decision";
import { findGroupTally, recordGroupTally } from "./groups/store";
import type { Tally } from "./parse";

/**
 * Applies group `group` of a trait delivery exactly once, given all its lines (every line of its
 * users): reads what their outcome depends on, decides it (decideChunk, pure), hands the trait changes
 * to the graph store (which evaluates the segments where the traits are, once per group key), then
 * records the group's counts in D1. A group already recorded returns its stored counts and writes
 * nothing; a retry after the graph applied the change gets the graph's first answer back, so the counts
 * stay exact.
 */
export async function applyChunk(
	db: D1Database,
	graph: PairStore,
	target: ChunkTarget,
	group: number,
	lines: readonly ChunkLine[],
	catalog: TraitCatalog,
	now: number,
	segments: readonly Segment[] = [],
): Promise<Tally> {
	const done = await findGroupTally(db, target.deliveryId, group);
	if (done) return done;

	const decision = decideChunk(target, lines, await readChunkState(graph, target, lines), catalog);
	const change = {
		key: `${target.deliveryId}/g${group}`,
		source: target.traitSource,
		cleared: decision.cleared,
		effects: decision.effects,
	};
	const applied = await graph.applyTraits(
		change,
		segments.map((s) => ({ id: s.id, tree: s.tree })),
		now,
	);
	decision.tally.counts.totalRemovedTraits += applied.removedByOverwrite;
	await recordGroupTally(db, target.deliveryId, group, decision.tally, now);
	return decision.tally;
}

async function readChunkState(graph: PairStore, target: ChunkTarget, lines: readonly ChunkLine[]): Promise<ChunkState> {
	const userIds = [...new Set(lines.map((l) => l.u))];
	const uuidOf =
		target.idType === "uuid"
			? new Map(userIds.filter(isUuid).map((u) => [u, u]))
			: await graph.uuidsOfPartnerIds(target.idSource, userIds);
	const optedOut = await graph.optedOutAmong([...new Set(uuidOf.values())]);
	return { uuidOf, optedOut };
}

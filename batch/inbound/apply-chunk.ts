import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import type { Segment } from "../segments/schema";
import type { TraitCatalog } from "../traits/catalog";
import { type ChunkLine, type ChunkState, type ChunkTarget, decideChunk } from "./chunk-decision";
import type { Tally } from "./parse";
import { findChunkTally, insertChunkStatement, saveUserStatements, userStatesOf } from "./store";

/**
 * Applies one chunk of a trait delivery exactly once: reads what the chunk's outcome depends on,
 * decides it (decideChunk, pure), hands its trait changes to the graph store (which evaluates the
 * segments where the traits are, once per chunk key), then records the users' state and the counts in
 * D1. A chunk already recorded returns its stored counts and writes nothing; a retry after the graph
 * applied the change gets the graph's first answer back, so the counts stay exact.
 */
export async function applyChunk(
	db: D1Database,
	graph: PairStore,
	target: ChunkTarget,
	chunk: number,
	lines: readonly ChunkLine[],
	catalog: TraitCatalog,
	now: number,
	segments: readonly Segment[] = [],
): Promise<Tally> {
	const done = await findChunkTally(db, target.deliveryId, chunk);
	if (done) return done;

	const decision = decideChunk(target, lines, await readChunkState(db, graph, target, lines), catalog);
	const change = {
		key: `${target.deliveryId}/${chunk}`,
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
	await db.batch([
		...saveUserStatements(db, target.deliveryId, decision.users),
		insertChunkStatement(db, target.deliveryId, chunk, decision.tally, now),
	]);
	return decision.tally;
}

async function readChunkState(
	db: D1Database,
	graph: PairStore,
	target: ChunkTarget,
	lines: readonly ChunkLine[],
): Promise<ChunkState> {
	const userIds = [...new Set(lines.map((l) => l.u))];
	const [uuidOf, users] = await Promise.all([
		target.idType === "uuid"
			? new Map(userIds.filter(isUuid).map((u) => [u, u]))
			: graph.uuidsOfPartnerIds(target.idSource, userIds),
		userStatesOf(db, target.deliveryId, userIds),
	]);
	const optedOut = await graph.optedOutAmong([...new Set(uuidOf.values())]);
	return { uuidOf, users, optedOut };
}

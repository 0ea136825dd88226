import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import { segmentStatementsAfter } from "../segments/membership";
import type { Segment } from "../segments/schema";
import type { TraitCatalog } from "../traits/catalog";
import { membershipStatements, sourceTraitsOf } from "../traits/store";
import { type ChunkLine, type ChunkState, type ChunkTarget, decideChunk } from "./chunk-decision";
import type { Tally } from "./parse";
import { findChunkTally, insertChunkStatement, saveUserStatements, userStatesOf } from "./store";

/**
 * Applies one chunk of a trait delivery to D1 exactly once: reads what the chunk's outcome depends on,
 * decides it (decideChunk, pure), and writes its trait changes, the segment entries and exits they
 * cause, its users' state and its counts in one transaction. A chunk already recorded returns its
 * stored counts and writes nothing.
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
	const { traitSource: source } = target;
	const { cleared, effects } = decision;
	const segmentUpdates = await segmentStatementsAfter(db, segments, { traitSource: source, cleared, effects }, now);
	await db.batch([
		...membershipStatements(db, { source, cleared, changes: effects }, now),
		...saveUserStatements(db, target.deliveryId, decision.users),
		...segmentUpdates,
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
	const uuids = [...new Set(uuidOf.values())];
	const [optedOut, sourceTraits] = await Promise.all([
		graph.optedOutAmong(uuids),
		target.mode === "overwrite" ? sourceTraitsOf(db, target.traitSource, uuids) : new Map<string, Set<number>>(),
	]);
	return { uuidOf, users, optedOut, sourceTraits };
}

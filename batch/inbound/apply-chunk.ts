import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import type { Segment } from "../segments/schema";
import type { TraitCatalog } from "../traits/catalog";
import { type ChunkLine, type ChunkTarget, decideChunk } from "./chunk-decision";
import { findGroupTally, recordGroupTally } from "./groups/store";
import { countLinesOverCap, type LinesOverCap } from "./groups/user-cap";
import type { Tally } from "./parse";

/**
 * Applies group `group` of a trait delivery exactly once, given all its lines (every line of its
 * users, but those past the 200-lines rule, which come as `overCap`): resolves their IDs, decides (decideChunk, pure), hands the trait changes to the graph store
 * (which evaluates the segments where the traits are, once per group key), then records the group's
 * counts in D1. Opted-out visitors are not asked for first: the graph refuses them and says whom, and
 * the decision is made again with them not matched, so the counts are those of deciding with them known
 * (one round of calls to every visitor shard less). A group already recorded returns its stored counts
 * and writes nothing; a retry after the graph applied the change gets the graph's first answer back, so
 * the counts stay exact.
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
	overCap: LinesOverCap = { count: 0, earliest: [] },
): Promise<Tally> {
	const done = await findGroupTally(db, target.deliveryId, group);
	if (done) return done;

	const uuidOf = await resolveUsers(graph, target, lines);
	const first = decideChunk(target, lines, { uuidOf, optedOut: new Set() }, catalog);
	const change = {
		key: `${target.deliveryId}/g${group}`,
		source: target.traitSource,
		cleared: first.cleared,
		effects: first.effects,
	};
	const applied = await graph.applyTraits(
		change,
		segments.map((s) => ({ id: s.id, tree: s.tree })),
		now,
	);
	const decision =
		applied.refused.length === 0
			? first
			: decideChunk(target, lines, { uuidOf, optedOut: new Set(applied.refused) }, catalog);
	decision.tally.counts.totalRemovedTraits += applied.removedByOverwrite;
	countLinesOverCap(decision.tally, overCap);
	await recordGroupTally(db, target.deliveryId, group, decision.tally, now);
	return decision.tally;
}

/** The UUID of each user ID of the lines that has one (a UUID partner's IDs are UUIDs themselves). */
async function resolveUsers(
	graph: PairStore,
	target: ChunkTarget,
	lines: readonly ChunkLine[],
): Promise<ReadonlyMap<string, string>> {
	const userIds = [...new Set(lines.map((l) => l.u))];
	if (target.idType === "uuid") return new Map(userIds.filter(isUuid).map((u) => [u, u]));
	return graph.uuidsOfPartnerIds(target.idSource, userIds);
}

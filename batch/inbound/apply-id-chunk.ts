import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import { findGroupTally, recordGroupTally } from "./groups/store";
import { decideIdChunk, type IdChunkLine } from "./id-chunk-decision";
import type { InboundFileName, Tally } from "./parse";

/**
 * File-based ID sync, one group: reads whose master IDs have UUIDs, decides the pairs (decideIdChunk,
 * pure; a row of a visitor who opted out pairs nothing, so dropping one changes no other row's pairs),
 * writes them to the graph and then the group's counts to D1. The pair write is an idempotent
 * upsert (a repeat changes nothing), and a group already recorded returns its stored counts, so a retry
 * after a failure between the two writes counts once.
 */
export async function applyIdSyncChunk(
	db: D1Database,
	graph: PairStore,
	deliveryId: string,
	group: number,
	name: InboundFileName,
	lines: readonly IdChunkLine[],
	now: number,
): Promise<Tally> {
	const done = await findGroupTally(db, deliveryId, group);
	if (done) return done;

	const master = name.masterDpid ?? 0;
	const masterIds = [...new Set(lines.map((l) => l.ids[0] ?? ""))];
	const uuidOf =
		master === 0
			? new Map(masterIds.filter(isUuid).map((id) => [id, id]))
			: await graph.uuidsOfPartnerIds(master, masterIds);
	// The graph refuses the pairs of visitors who opted out and names them; only then are their rows
	// counted as not matched. Asking first would cost one more call to every visitor shard per group.
	const asIfNoneOptedOut = decideIdChunk(name, lines, { uuidOf, optedOut: new Set() });
	const { optedOutVisitors } = await graph.upsert(asIfNoneOptedOut.events, now);
	const decision =
		optedOutVisitors.size === 0 ? asIfNoneOptedOut : decideIdChunk(name, lines, { uuidOf, optedOut: optedOutVisitors });
	await recordGroupTally(db, deliveryId, group, decision.tally, now);
	return decision.tally;
}

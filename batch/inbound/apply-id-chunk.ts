import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import { findGroupTally, recordGroupTally } from "./groups/store";
import { decideIdChunk, type IdChunkLine } from "./id-chunk-decision";
import type { InboundFileName, Tally } from "./parse";

/**
 * File-based ID sync, one group: reads whose master IDs have UUIDs, decides the pairs (decideIdChunk,
 * pure), writes them to the graph and then the group's counts to D1. The pair write is an idempotent
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
	const optedOut = await graph.optedOutAmong([...new Set(uuidOf.values())]);
	const decision = decideIdChunk(name, lines, { uuidOf, optedOut });
	await graph.upsert(decision.events, now);
	await recordGroupTally(db, deliveryId, group, decision.tally, now);
	return decision.tally;
}

import type { PairStore } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import { decideIdChunk, type IdChunkLine } from "./id-chunk-decision";
import type { InboundFileName, Tally } from "./parse";
import { findChunkTally, insertChunkStatement, saveUserStatements } from "./store";

/**
 * File-based ID sync: reads whose master IDs have UUIDs, decides the pairs (decideIdChunk, pure), writes
 * them to the graph and then the chunk's users and counts in one D1 transaction. The pair write is an
 * idempotent upsert (a repeat changes nothing), and a chunk already recorded returns its stored counts,
 * so a retry after a failure between the two writes counts once.
 */
export async function applyIdSyncChunk(
	db: D1Database,
	graph: PairStore,
	deliveryId: string,
	chunk: number,
	name: InboundFileName,
	lines: readonly IdChunkLine[],
	now: number,
): Promise<Tally> {
	const done = await findChunkTally(db, deliveryId, chunk);
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
	await db.batch([
		...saveUserStatements(db, deliveryId, decision.users),
		insertChunkStatement(db, deliveryId, chunk, decision.tally, now),
	]);
	return decision.tally;
}

import { d1PairStore, pairUpsertStatements } from "../../core/graph/store";
import { isUuid } from "../../core/uuid";
import { decideIdChunk, type IdChunkLine } from "./id-chunk-decision";
import type { InboundFileName, Tally } from "./parse";
import { findChunkTally, insertChunkStatement, saveUserStatements } from "./store";

/**
 * File-based ID sync: reads whose master IDs have UUIDs, decides the pairs (decideIdChunk, pure) and
 * writes them with the chunk's users and counts in one transaction. The pair writes are idempotent
 * upserts and a chunk already recorded returns its stored counts, so a retry counts once.
 */
export async function applyIdSyncChunk(
	db: D1Database,
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
			: await d1PairStore(db).uuidsOfPartnerIds(master, masterIds);
	const optedOut = await d1PairStore(db).optedOutAmong([...new Set(uuidOf.values())]);
	const decision = decideIdChunk(name, lines, { uuidOf, optedOut });
	await db.batch([
		// The pairs go in this chunk's transaction, so they are written with its counts or not at all.
		...pairUpsertStatements(db, decision.events, now),
		...saveUserStatements(db, deliveryId, decision.users),
		insertChunkStatement(db, deliveryId, chunk, decision.tally, now),
	]);
	return decision.tally;
}

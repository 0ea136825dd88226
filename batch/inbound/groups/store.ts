import { mergeTallies, type StoredTally, type Tally } from "../parse";
import type { PieceRange } from "./piece";
import * as sql from "./queries";

// ---- groups ----

/** The counts of a group already applied (then it must not be applied again), or null. */
export async function findGroupTally(db: D1Database, deliveryId: string, group: number): Promise<Tally | null> {
	const row = await db.prepare(sql.GROUP_COUNTS).bind(deliveryId, group).first<sql.GroupCountsRow>();
	return row ? mergeTallies([JSON.parse(row.counts) as StoredTally]) : null;
}

/** Records a group as applied with its counts, once the graph has applied its effects. */
export async function recordGroupTally(
	db: D1Database,
	deliveryId: string,
	group: number,
	tally: Tally,
	now: number,
): Promise<void> {
	await db.prepare(sql.INSERT_GROUP).bind(deliveryId, group, JSON.stringify(tally), now).run();
}

// ---- pieces ----

export async function putPieceStarts(db: D1Database, deliveryId: string, piece: number, starts: Uint8Array) {
	await db.prepare(sql.PUT_PIECE).bind(deliveryId, piece, starts).run();
}

/** Forgets where the buckets of piece `first` and every later piece start: they are read no more. */
export async function forgetPiecesFrom(db: D1Database, deliveryId: string, first: number): Promise<void> {
	await db.prepare(sql.FORGET_PIECES_FROM).bind(deliveryId, first).run();
}

/** Each piece's bytes of buckets `first..last`; pieces without any are left out. */
export async function pieceRanges(
	db: D1Database,
	deliveryId: string,
	first: number,
	last: number,
): Promise<PieceRange[]> {
	const { results } = await db
		.prepare(sql.PIECE_RANGES)
		.bind(deliveryId, first, last + 1)
		.all<sql.PieceRangeRow>();
	return results
		.map((r) => ({ piece: r.piece, start: Number.parseInt(r.start_hex, 16), end: Number.parseInt(r.end_hex, 16) }))
		.filter((r) => r.end > r.start);
}

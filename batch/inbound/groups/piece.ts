import { BUCKETS } from "../../../core/graph/shards/bucket";

/**
 * A piece: up to a few megabytes of a delivery's parsed lines (NDJSON), sorted by bucket and kept in
 * file order within one, with where each bucket starts. A group step reads its buckets' one range of
 * every piece; the starts live in D1 (`inbound_pieces`), so that step needs one query, not a read per
 * piece, to find them.
 */
export interface BuiltPiece {
	body: string;
	/** BUCKETS + 1 big-endian uint32s: the byte where bucket b starts; the last is the body's length. */
	starts: Uint8Array;
	lines: number;
}

/** A line on its way into a piece: its bucket and its JSON, ASCII only (see asciiJson). */
export interface PieceLine {
	bucket: number;
	json: string;
}

/** Sorts the lines by bucket with a counting sort (stable: a user's lines keep their order). */
export function buildPiece(lines: readonly PieceLine[]): BuiltPiece {
	const bytesOf = new Array<number>(BUCKETS).fill(0);
	const countOf = new Array<number>(BUCKETS).fill(0);
	for (const { bucket, json } of lines) {
		bytesOf[bucket] = (bytesOf[bucket] ?? 0) + json.length + 1;
		countOf[bucket] = (countOf[bucket] ?? 0) + 1;
	}
	const starts = new Uint8Array((BUCKETS + 1) * 4);
	const view = new DataView(starts.buffer);
	const slotOf = new Array<number>(BUCKETS);
	let byte = 0;
	let slot = 0;
	for (let b = 0; b < BUCKETS; b++) {
		view.setUint32(b * 4, byte);
		slotOf[b] = slot;
		byte += bytesOf[b] ?? 0;
		slot += countOf[b] ?? 0;
	}
	view.setUint32(BUCKETS * 4, byte);
	const sorted = new Array<string>(lines.length);
	for (const { bucket, json } of lines) {
		const at = slotOf[bucket] ?? 0;
		sorted[at] = json;
		slotOf[bucket] = at + 1;
	}
	return { body: sorted.length === 0 ? "" : `${sorted.join("\n")}\n`, starts, lines: lines.length };
}

/**
 * JSON with every non-ASCII character escaped, so a line's length in UTF-16 units is its length in
 * bytes, and bucket starts can be counted without encoding each line.
 */
export function asciiJson(value: unknown): string {
	return JSON.stringify(value).replace(
		/[\u0080-\uffff]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
	);
}

/** Where the split keeps a delivery's pieces while it is applied (deleted with its receipt). */
export function pieceKey(deliveryId: string, piece: number): string {
	return `work/inbound/${deliveryId}/${String(piece).padStart(6, "0")}.ndjson`;
}

/** A range read of a piece: the bytes `[start, end)` of the group's buckets. */
export interface PieceRange {
	piece: number;
	start: number;
	end: number;
}

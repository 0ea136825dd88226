import { type PieceRange, pieceKey } from "./piece";
import type { GroupRange } from "./plan";
import { pieceRanges } from "./store";

/** R2 reads in flight at once: a Worker keeps at most six connections open. */
const READS_AT_ONCE = 6;

/**
 * The lines of a group's users, decoded (piece-line.ts): one D1 query for where the group's buckets
 * sit in each piece, then one range read per piece that has any, up to READS_AT_ONCE ahead. Pieces are
 * taken in order and a bucket keeps file order within a piece, so each user's lines come in file order,
 * and `keep` sees them so (it may count a line and leave it out). A piece's text is let go once decoded:
 * what is held is the kept lines and the reads ahead.
 */
export async function readGroupLines<Line>(
	env: Env,
	deliveryId: string,
	group: GroupRange,
	decode: (text: string) => Line,
	keep: (line: Line) => boolean = () => true,
): Promise<Line[]> {
	const ranges = await pieceRanges(env.DB, deliveryId, group.first, group.last);
	const reads: Array<Promise<string> | undefined> = [];
	const startRead = (at: number) => {
		const range = ranges[at];
		if (!range) return;
		const read = readRange(env, deliveryId, range);
		// Awaited in order below; a read that fails early is not an unhandled rejection meanwhile.
		read.catch(() => {});
		reads[at] = read;
	};
	for (let at = 0; at < READS_AT_ONCE; at++) startRead(at);
	const lines: Line[] = [];
	for (let at = 0; at < ranges.length; at++) {
		const text = await reads[at];
		reads[at] = undefined;
		startRead(at + READS_AT_ONCE);
		for (const raw of (text ?? "").split("\n")) {
			if (!raw) continue;
			const line = decode(raw);
			if (keep(line)) lines.push(line);
		}
	}
	return lines;
}

async function readRange(env: Env, deliveryId: string, range: PieceRange): Promise<string> {
	const key = pieceKey(deliveryId, range.piece);
	const object = await env.EXCHANGE.get(key, { range: { offset: range.start, length: range.end - range.start } });
	if (!object) throw new Error(`piece ${key} is missing`);
	return object.text();
}

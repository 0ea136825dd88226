import { type PieceRange, pieceKey } from "./piece";
import type { GroupRange } from "./plan";
import { pieceRanges } from "./store";

/** R2 reads in flight at once: a Worker keeps at most six connections open. */
const READS_AT_ONCE = 6;

/**
 * Every line of a group's users, decoded (piece-line.ts): one D1 query for where the group's buckets
 * sit in each piece, then one range read per piece that has any. Pieces are read in order and a bucket
 * keeps file order within a piece, so each user's lines come in file order.
 */
export async function readGroupLines<Line>(
	env: Env,
	deliveryId: string,
	group: GroupRange,
	decode: (text: string) => Line,
): Promise<Line[]> {
	const ranges = await pieceRanges(env.DB, deliveryId, group.first, group.last);
	const texts = new Array<string>(ranges.length);
	let next = 0;
	const reader = async () => {
		while (next < ranges.length) {
			const at = next++;
			texts[at] = await readRange(env, deliveryId, ranges[at] as PieceRange);
		}
	};
	await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, ranges.length) }, reader));
	const lines: Line[] = [];
	for (const text of texts) {
		for (const line of text.split("\n")) if (line) lines.push(decode(line));
	}
	return lines;
}

async function readRange(env: Env, deliveryId: string, range: PieceRange): Promise<string> {
	const key = pieceKey(deliveryId, range.piece);
	const object = await env.EXCHANGE.get(key, { range: { offset: range.start, length: range.end - range.start } });
	if (!object) throw new Error(`piece ${key} is missing`);
	return object.text();
}

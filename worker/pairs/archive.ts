import { sha256 } from "../../core/crypto";
import { hex } from "../../core/encoding";
import type { PairEvent } from "../../core/graph/pair-event";

/** An event as archived: the queue message id lets readers drop the rare duplicate after a retry. */
export interface ArchivedPair extends PairEvent {
	id: string;
}

/**
 * Appends pairs to R2 as one gzip NDJSON object per UTC day per batch, under `pairs/dt=YYYY-MM-DD/`.
 * The key is derived from the message ids, so a retried batch overwrites its own object instead of
 * adding a second copy.
 */
export async function archivePairs(bucket: R2Bucket, pairs: readonly ArchivedPair[]): Promise<string[]> {
	const byDay = new Map<string, ArchivedPair[]>();
	for (const pair of pairs) {
		const day = new Date(pair.at).toISOString().slice(0, 10);
		byDay.set(day, [...(byDay.get(day) ?? []), pair]);
	}
	const keys: string[] = [];
	for (const [day, dayPairs] of byDay) {
		const key = `pairs/dt=${day}/${await batchName(dayPairs)}.ndjson.gz`;
		const body = await gzip(
			dayPairs
				.map((p) => JSON.stringify(p))
				.join("\n")
				.concat("\n"),
		);
		await bucket.put(key, body, {
			httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
			customMetadata: { pairs: String(dayPairs.length) },
		});
		keys.push(key);
	}
	return keys;
}

/** `<earliest ms>-<hash of message ids>`: sorts by time when listed, stable across retries. */
async function batchName(pairs: readonly ArchivedPair[]): Promise<string> {
	const ids = [...new Set(pairs.map((p) => p.id))].sort().join("\n");
	const hash = hex((await sha256(ids)).subarray(0, 12));
	const earliest = Math.min(...pairs.map((p) => p.at));
	return `${earliest}-${hash}`;
}

// R2 needs a body of known length, so the (small, per-batch) gzip output is collected first.
async function gzip(text: string): Promise<ArrayBuffer> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
	return new Response(stream).arrayBuffer();
}

import { byCodePoint } from "../key-order";
import type { SampledKey } from "./partner-id-listing";

/**
 * How often each of `shards` shards samples its keys for windows of `most`: small enough that the
 * blocks a window may only partly hold (at most one per shard) cost at most a quarter of a window.
 */
export function sampleEvery(most: number, shards: number): number {
	return Math.max(1, Math.floor(most / (4 * Math.max(1, shards))));
}

/**
 * Cuts a partner's ID space into windows (−∞, c1], (c1, c2], …, (ck, ∞) that each hold at most `most`
 * IDs, from every shard's sample (each key ends a block of `weight` of that shard's keys, in key order).
 * A window (a, b] holds at most the weights sampled inside it plus, per shard, all but one key of the
 * block that runs past b; the cuts are taken greedily, so windows are more than half full. Every window
 * holds at least one ID. No cuts when everything fits one window.
 */
export function cutKeys(samples: readonly (readonly SampledKey[])[], most: number): string[] {
	const merged = samples
		.flatMap((keys, shard) => keys.map((k, index) => ({ ...k, shard, index })))
		.sort((a, b) => byCodePoint(a.key, b.key));
	const overhang = (shard: number, index: number) => Math.max(0, (samples[shard]?.[index]?.weight ?? 1) - 1);
	// Keys past the window's end that its last blocks may still hold (b = −∞: each shard's first block).
	let past = samples.reduce((sum, _keys, shard) => sum + overhang(shard, 0), 0);
	let inside = 0;
	let end: string | null = null;
	const cuts: string[] = [];
	for (const sample of merged) {
		const pastAfter = past - overhang(sample.shard, sample.index) + overhang(sample.shard, sample.index + 1);
		if (end !== null && inside > 0 && inside + sample.weight + pastAfter > most) {
			cuts.push(end);
			inside = 0;
		}
		inside += sample.weight;
		past = pastAfter;
		end = sample.key;
	}
	return cuts;
}

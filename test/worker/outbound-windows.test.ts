import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { byCodePoint } from "../../core/graph/key-order";
import { MAX_LISTING_WINDOWS } from "../../core/graph/memberships/door";
import { pairStoreOf } from "../../core/graph/select";
import { cutKeys, sampleEvery } from "../../core/graph/shards/cuts";
import type { SampledKey } from "../../core/graph/shards/partner-id-listing";
import { DPID, seedBulkMembers, seedSegments } from "./support/outbound";

/** What a partner-ID shard's IDS_SAMPLE answers for its sorted keys: every `every`-th and the last. */
function sampleOf(sorted: readonly string[], every: number): SampledKey[] {
	const sample: SampledKey[] = [];
	let previous = 0;
	sorted.forEach((key, i) => {
		const rank = i + 1;
		if (rank % every !== 0 && rank !== sorted.length) return;
		sample.push({ key, weight: rank - previous });
		previous = rank;
	});
	return sample;
}

/** How many of `keys` each window (−∞, c1], (c1, c2], …, (ck, ∞) holds. */
function windowCounts(keys: readonly string[], cuts: readonly string[]): number[] {
	const counts = new Array<number>(cuts.length + 1).fill(0);
	for (const key of keys) {
		const window = cuts.filter((c) => byCodePoint(key, c) > 0).length;
		counts[window] = (counts[window] ?? 0) + 1;
	}
	return counts;
}

// Keys from few characters, with both orders where SQLite and JavaScript differ (U+E000 against 😀).
const KEY = fc.string({ unit: fc.constantFrom("a", "b", "z", "\uE000", "😀"), minLength: 1, maxLength: 6 });

describe("cutting a partner's ID space into windows", () => {
	it("property: every window holds at least one and at most `most` IDs, all but the last more than half full", () => {
		fc.assert(
			fc.property(
				fc.uniqueArray(KEY, { minLength: 1, maxLength: 600, size: "max" }),
				fc.integer({ min: 1, max: 6 }),
				fc.integer({ min: 1, max: 120 }),
				fc.integer({ min: 1, max: 40 }),
				(keys, shardCount, most, run) => {
					// Each key lives in one shard, as a partner ID does; shards hold runs of neighbouring keys,
					// so the blocks a window only partly holds are as large as they get.
					const shards = Array.from({ length: shardCount }, () => [] as string[]);
					for (const [i, key] of [...keys].sort(byCodePoint).entries()) {
						shards[Math.floor(i / run) % shardCount]?.push(key);
					}
					const holding = shards.filter((s) => s.length > 0).map((s) => [...s].sort(byCodePoint));
					const every = sampleEvery(most, holding.length);
					const cuts = cutKeys(
						holding.map((s) => sampleOf(s, every)),
						most,
					);
					expect([...cuts].sort(byCodePoint)).toEqual(cuts);
					const counts = windowCounts(keys, cuts);
					for (const [i, n] of counts.entries()) {
						expect(n).toBeGreaterThan(0);
						expect(n).toBeLessThanOrEqual(most);
						if (i < counts.length - 1) expect(n * 2).toBeGreaterThan(most);
					}
					if (keys.length <= most) expect(cuts).toEqual([]);
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe("listingCuts on the configured store", () => {
	beforeEach(async () => {
		await seedSegments();
	});

	it("cuts the member listing into windows of at most `most` partner IDs", async () => {
		const ids = await seedBulkMembers(3_000, [10]);
		const cuts = await pairStoreOf(env).listingCuts({ dpid: DPID, segments: [10], endedAfter: 2, most: 700 });
		const counts = windowCounts(ids, cuts);
		expect(counts.length).toBeGreaterThanOrEqual(5);
		for (const n of counts) expect(n).toBeLessThanOrEqual(700);
		expect(counts.reduce((a, b) => a + b, 0)).toBe(3_000);
	});

	it("refuses a listing that would need more than MAX_LISTING_WINDOWS files, with what to change", async () => {
		await seedBulkMembers(MAX_LISTING_WINDOWS + 1, [10]);
		const cuts = pairStoreOf(env).listingCuts({ dpid: DPID, segments: [10], endedAfter: 2, most: 1 });
		await expect(cuts).rejects.toThrow(/more than 500 files of 1 lines: raise the destination's split size/);
	});
});

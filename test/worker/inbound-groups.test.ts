import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiJson, buildPiece } from "../../batch/inbound/groups/piece";
import { planGroups } from "../../batch/inbound/groups/plan";
import { inWaves } from "../../batch/inbound/groups/waves";
import { settingsOf } from "../../core/config/settings";
import { BUCKETS } from "../../core/graph/shards/bucket";

const startOf = (starts: Uint8Array, bucket: number) => new DataView(starts.buffer).getUint32(bucket * 4);

describe("a piece: lines sorted by bucket, with where each bucket starts", () => {
	it("each bucket's byte range holds exactly its lines, in the order given, whatever the characters", () => {
		const line = fc.record({ bucket: fc.integer({ min: 0, max: BUCKETS - 1 }), text: fc.string({ unit: "grapheme" }) });
		fc.assert(
			fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
				const piece = buildPiece(lines.map(({ bucket, text }, n) => ({ bucket, json: asciiJson({ n, text }) })));
				const bytes = new TextEncoder().encode(piece.body);
				expect(startOf(piece.starts, BUCKETS)).toBe(bytes.length);
				for (const bucket of new Set(lines.map((l) => l.bucket))) {
					const range = bytes.subarray(startOf(piece.starts, bucket), startOf(piece.starts, bucket + 1));
					const read = new TextDecoder()
						.decode(range)
						.split("\n")
						.filter(Boolean)
						.map((l) => JSON.parse(l));
					const expected = lines.flatMap((l, n) => (l.bucket === bucket ? [{ n, text: l.text }] : []));
					expect(read).toEqual(expected);
				}
			}),
		);
	});

	it("asciiJson escapes every non-ASCII character and parses back to the same value", () => {
		const value = { t: "é😀\u2028\uFFFF", u: "plain" };
		const json = asciiJson(value);
		expect(/^[\x20-\x7e]*$/.test(json)).toBe(true);
		expect(JSON.parse(json)).toEqual(value);
	});
});

describe("planning groups", () => {
	it("cuts contiguous bucket runs of about the target size, never a bucket, and covers every line once", () => {
		const counts = fc.array(fc.nat(400), { minLength: BUCKETS, maxLength: BUCKETS });
		fc.assert(
			fc.property(counts, fc.integer({ min: 1, max: 5_000 }), (bucketLines, linesPerGroup) => {
				const groups = planGroups(bucketLines, linesPerGroup);
				let next = 0;
				for (const g of groups) {
					expect(g.first).toBeGreaterThanOrEqual(next);
					expect(g.last).toBeGreaterThanOrEqual(g.first);
					const lines = bucketLines.slice(g.first, g.last + 1).reduce((a, b) => a + b, 0);
					expect(g.lines).toBe(lines);
					// Only the bucket that crossed the target makes a group bigger than it.
					expect(lines - (bucketLines[g.last] ?? 0)).toBeLessThan(linesPerGroup);
					next = g.last + 1;
				}
				const total = bucketLines.reduce((a, b) => a + b, 0);
				expect(groups.reduce((n, g) => n + g.lines, 0)).toBe(total);
			}),
			{ numRuns: 50 },
		);
	});

	it("an empty delivery has no groups; one heavy bucket is one group", () => {
		expect(planGroups(new Array(BUCKETS).fill(0), 10)).toEqual([]);
		const heavy = new Array(BUCKETS).fill(0);
		heavy[7] = 1_000;
		expect(planGroups(heavy, 10)).toEqual([{ first: 7, last: 7, lines: 1_000 }]);
	});
});

describe("group steps at once", () => {
	it("runs at most atOnce at a time, each wave after the last, and returns the results in item order", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.nat(5), { maxLength: 40 }),
				fc.integer({ min: 1, max: 6 }),
				async (delays, atOnce) => {
					let running = 0;
					let most = 0;
					let finished = 0;
					const started: number[] = [];
					const results = await inWaves(delays, atOnce, async (delay, index) => {
						started.push(index);
						// Every item of the waves before this one has finished.
						expect(finished).toBeGreaterThanOrEqual(index - (index % atOnce));
						running++;
						most = Math.max(most, running);
						// Finishing out of order within a wave must not change the results' order.
						for (let i = 0; i <= delay; i++) await Promise.resolve();
						running--;
						finished++;
						return index * 10;
					});
					expect(results).toEqual(delays.map((_, i) => i * 10));
					expect(most).toBeLessThanOrEqual(atOnce);
					if (delays.length >= atOnce) expect(most).toBe(atOnce);
					expect(started).toEqual(delays.map((_, i) => i));
				},
			),
		);
	});

	it("refuses a wave size that is not a positive integer", async () => {
		await expect(inWaves([1], 0, async (x) => x)).rejects.toThrow(/atOnce must be a positive integer/);
	});
});

describe("INBOUND_LINES_PER_GROUP and INBOUND_GROUPS_AT_ONCE", () => {
	const withGroups = (lines: string | undefined, atOnce: string | undefined) =>
		({ ...env, INBOUND_LINES_PER_GROUP: lines, INBOUND_GROUPS_AT_ONCE: atOnce }) as unknown as Env;

	it("default to two groups of 100,000 lines at once", () => {
		const settings = settingsOf(withGroups(undefined, undefined));
		expect([settings.inboundLinesPerGroup, settings.inboundGroupsAtOnce]).toEqual([100_000, 2]);
	});

	it("refuse more than 250,000 lines held at once, naming both settings, and a wave size outside 1–16", () => {
		expect(settingsOf(withGroups("250000", "1")).inboundLinesPerGroup).toBe(250_000);
		expect(settingsOf(withGroups("50000", "5")).inboundGroupsAtOnce).toBe(5);
		expect(() => settingsOf(withGroups("250001", "1"))).toThrow(
			/INBOUND_LINES_PER_GROUP × INBOUND_GROUPS_AT_ONCE must be at most 250,000/,
		);
		expect(() => settingsOf(withGroups("100000", "3"))).toThrow(/at most 250,000/);
		for (const atOnce of ["0", "17", "two"]) {
			expect(() => settingsOf(withGroups("1000", atOnce))).toThrow(
				/invalid edgesync configuration[\s\S]*inboundGroupsAtOnce/,
			);
		}
	});
});

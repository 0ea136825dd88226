import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { discoverDeliveries } from "../../batch/inbound/discover";
import { asciiJson, buildPiece } from "../../batch/inbound/groups/piece";
import { decodeTraitLine } from "../../batch/inbound/groups/piece-line";
import { planGroups } from "../../batch/inbound/groups/plan";
import { readGroupLines } from "../../batch/inbound/groups/read-group";
import { userLineCap } from "../../batch/inbound/groups/user-cap";
import { planWaves } from "../../batch/inbound/groups/waves";
import { splitPart } from "../../batch/inbound/split";
import { applyStoredGroup } from "../../batch/inbound/steps";
import { putTrait } from "../../batch/traits/store";
import { settingsOf } from "../../core/config/settings";
import { pairStoreOf } from "../../core/graph/select";
import { BUCKETS } from "../../core/graph/shards/bucket";
import { DEFAULT_GROUPS_AT_ONCE, DEFAULT_LINES_PER_GROUP } from "../../core/inbound-limits";
import { traitIdsOf } from "./support/graph";
import { upload } from "./support/inbound";
import { seedPartner } from "./support/partners";

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

describe("waves of group steps", () => {
	const group = fc.record({ lines: fc.integer({ min: 0, max: 300 }) });

	it("cover every group once, in order, each wave within atOnce groups and the line budget, cut only when full", () => {
		fc.assert(
			fc.property(
				fc.array(group, { maxLength: 60 }),
				fc.integer({ min: 1, max: 6 }),
				fc.integer({ min: 1, max: 600 }),
				(groups, atOnce, maxLines) => {
					const waves = planWaves(groups, atOnce, maxLines);
					expect(waves.flat()).toEqual(groups.map((_, i) => i));
					const linesOf = (wave: number[]) => wave.reduce((sum, g) => sum + (groups[g]?.lines ?? 0), 0);
					for (const [w, wave] of waves.entries()) {
						expect(wave.length).toBeGreaterThan(0);
						expect(wave.length).toBeLessThanOrEqual(atOnce);
						// Over the budget only as a group on its own (a bucket is never cut).
						if (wave.length > 1) expect(linesOf(wave)).toBeLessThanOrEqual(maxLines);
						const next = waves[w + 1]?.[0];
						if (next !== undefined) {
							const full = wave.length === atOnce || linesOf(wave) + (groups[next]?.lines ?? 0) > maxLines;
							expect(full).toBe(true);
						}
					}
				},
			),
		);
	});

	it("hold two groups of 100,000 lines together, but a group grown past the budget runs alone", () => {
		const lines = (...counts: number[]) => counts.map((n) => ({ lines: n }));
		expect(planWaves(lines(100_000, 100_000, 100_000), 2, 200_000)).toEqual([[0, 1], [2]]);
		expect(planWaves(lines(122_070, 122_070, 90_000), 2, 200_000)).toEqual([[0], [1], [2]]);
		expect(planWaves(lines(250_000, 1), 4, 200_000)).toEqual([[0], [1]]);
		expect(planWaves([], 2, 200_000)).toEqual([]);
	});

	it("refuse a wave size that is not a positive integer", () => {
		expect(() => planWaves([{ lines: 1 }], 0, 10)).toThrow(/atOnce must be a positive integer/);
	});
});

describe("INBOUND_LINES_PER_GROUP and INBOUND_GROUPS_AT_ONCE", () => {
	const withGroups = (lines: string | undefined, atOnce: string | undefined) =>
		({ ...env, INBOUND_LINES_PER_GROUP: lines, INBOUND_GROUPS_AT_ONCE: atOnce }) as unknown as Env;

	it("default to two groups of 100,000 lines at once, as wrangler.toml says too (the tests keep 1,000 lines)", () => {
		const settings = settingsOf(withGroups(undefined, undefined));
		expect([settings.inboundLinesPerGroup, settings.inboundGroupsAtOnce]).toEqual([100_000, 2]);
		expect([DEFAULT_LINES_PER_GROUP, DEFAULT_GROUPS_AT_ONCE]).toEqual([100_000, 2]);
		expect(settingsOf(env).inboundGroupsAtOnce).toBe(DEFAULT_GROUPS_AT_ONCE);
		expect(settingsOf(env).inboundLinesPerGroup).toBe(1_000);
	});

	it("refuse more than 200,000 lines held at once, naming both settings, and a wave size outside 1–16", () => {
		expect(settingsOf(withGroups("200000", "1")).inboundLinesPerGroup).toBe(200_000);
		expect(settingsOf(withGroups("40000", "5")).inboundGroupsAtOnce).toBe(5);
		expect(() => settingsOf(withGroups("200001", "1"))).toThrow(
			/INBOUND_LINES_PER_GROUP × INBOUND_GROUPS_AT_ONCE must be at most 200,000/,
		);
		expect(() => settingsOf(withGroups("100000", "3"))).toThrow(/at most 200,000/);
		for (const atOnce of ["0", "17", "two"]) {
			expect(() => settingsOf(withGroups("1000", atOnce))).toThrow(
				/invalid edgesync configuration[\s\S]*inboundGroupsAtOnce/,
			);
		}
	});
});

describe("a group with one user of many lines (the 200-lines rule while reading)", () => {
	const T = 1_790_000_000;
	const id = `ftp_dpm_1000_${T}.sync`;

	it("holds at most 200 lines of a user, counts the rest with the earliest as samples, and the receipt adds up", async () => {
		await seedPartner({ dpid: 1000 });
		await putTrait(env.DB, { id: 1, dpid: 1000, name: "t1", rule: null }, 0);
		const uuid = "7".repeat(38);
		await pairStoreOf(env).upsert([{ dpid: 1000, dpuuid: "zeros", uuid, at: 1 }]);
		// An all-zero ad ID, say: 5,000 lines of one user among a few others.
		const lines = [...Array.from({ length: 5_000 }, () => "zeros\t1"), "other\t1", "third\t1"];
		await upload(`1000/inbound/${id}`, lines.join("\n"));
		await discoverDeliveries(env, Date.now() + 120_000);
		const split = await splitPart(env, id, 0, { line: 1, piece: 0 });
		const groups = planGroups(split.bucketLines, settingsOf(env).inboundLinesPerGroup);
		const heavy = groups.find((g) => g.lines >= 5_000);
		if (!heavy) throw new Error("the heavy user's bucket makes one group");

		const cap = userLineCap();
		const held = await readGroupLines(env, id, heavy, decodeTraitLine, cap.keep);
		expect(held.filter((l) => l.u === "zeros")).toHaveLength(200);
		expect(held.filter((l) => l.u === "zeros").map((l) => l.n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
		expect(cap.over).toEqual({ count: 4_800, earliest: Array.from({ length: 10 }, (_, i) => 201 + i) });

		const tally = await applyStoredGroup(env, id, groups.indexOf(heavy), heavy);
		expect(tally.counts).toMatchObject({ recordsReceived: heavy.lines, formatErrors: 4_800 });
		expect(tally.problems.too_many_lines_for_user).toBe(4_800);
		expect(tally.samples.formatErrors?.map((s) => s.line)).toEqual(Array.from({ length: 10 }, (_, i) => 201 + i));
		expect(await traitIdsOf(uuid)).toEqual([1]);
	});
});

// The bench's reading of workerd's V8 heap from /proc (bench/lib/v8-cage.ts): which mappings count as the
// pointer-compression cage, and the per-quarter peaks that tell a growing heap from a levelled one.
import { describe, expect, it } from "vitest";
import { cageResidentKb, quarterPeaks } from "../../bench/lib/v8-cage.ts";

/** One smaps entry: the header line, then the fields the reader looks at or must skip. */
const entry = (from: string, to: string, perms: string, rssKb: number, name = "") =>
	`${from}-${to} ${perms} 00000000 00:00 0 ${name}\nSize: 4 kB\nRss: ${rssKb} kB\nPss: ${rssKb} kB\nSwap: 0 kB\n`;

describe("cageResidentKb", () => {
	it("sums what is resident in the 4 GiB window of the large reservation, and nothing outside it", () => {
		const smaps = [
			entry("560966eb8000", "56096b000000", "r-xp", 39_180, "/bin/workerd"),
			// The cage: heap pages committed at its start, the rest reserved.
			entry("27e900000000", "27e900800000", "rw-p", 100),
			entry("27e900800000", "27e90a800000", "rw-p", 5_000),
			entry("27e90a800000", "27ea00000000", "---p", 0),
			// A 1 GiB reservation of something else, with memory beside it: not the cage.
			entry("10c00000000", "10c40000000", "---p", 0),
			entry("10c40000000", "10c40100000", "rw-p", 9_999),
		].join("");
		expect(cageResidentKb(smaps)).toBe(5_100);
	});

	it("finds no cage in a process without a reservation of 2 GiB or more", () => {
		const smaps = [
			entry("10c00000000", "10c40000000", "---p", 0),
			entry("10c40000000", "10c40100000", "rw-p", 77),
		].join("");
		expect(cageResidentKb(smaps)).toBeNull();
	});
});

describe("quarterPeaks", () => {
	it("keeps the highest reading of each quarter of the sampled time", () => {
		const series: Array<[number, number]> = [
			[0, 1],
			[10, 5],
			[20, 3],
			[30, 2],
			[40, 7],
		];
		expect(quarterPeaks(series)).toEqual([1, 5, 3, 7]);
	});

	it("puts a single reading in the last quarter", () => {
		expect(quarterPeaks([[0, 42]])).toEqual([0, 0, 0, 42]);
	});
});

// The bench's reading of workerd's V8 heap from /proc (bench/lib/v8-cage.ts): which mappings count as the
// pointer-compression cage (whose resident pages it counts), and the per-quarter peaks that tell a growing heap from a levelled one.
import { describe, expect, it } from "vitest";
import { cageMappings, quarterPeaks } from "../../bench/lib/v8-cage.ts";

/** One line of /proc/<pid>/maps. */
const mapping = (from: string, to: string, perms: string, name = "") =>
	`${from}-${to} ${perms} 00000000 00:00 0 ${name}`;

describe("cageMappings", () => {
	it("keeps the accessible mappings in the 4 GiB window of the large reservation, and nothing outside it", () => {
		const maps = [
			mapping("560966eb8000", "56096b000000", "r-xp", "/bin/workerd"),
			// The cage: heap pages committed at its start, the rest reserved.
			mapping("27e900000000", "27e900800000", "rw-p"),
			mapping("27e900800000", "27e90a800000", "r--p"),
			mapping("27e90a800000", "27ea00000000", "---p"),
			// A 1 GiB reservation of something else, with memory beside it: not the cage.
			mapping("10c00000000", "10c40000000", "---p"),
			mapping("10c40000000", "10c40100000", "rw-p"),
		].join("\n");
		expect(cageMappings(maps)).toEqual([
			{ start: 0x27e900000000n, end: 0x27e900800000n },
			{ start: 0x27e900800000n, end: 0x27e90a800000n },
		]);
	});

	it("finds no cage in a process without a reservation of 2 GiB or more", () => {
		const maps = [mapping("10c00000000", "10c40000000", "---p"), mapping("10c40000000", "10c40100000", "rw-p")].join(
			"\n",
		);
		expect(cageMappings(maps)).toBeNull();
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

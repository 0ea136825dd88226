// The V8 heap of a workerd process as the kernel sees it, read from /proc without asking the isolate.
// workerd builds V8 with pointer compression: every isolate of the process allocates its heap inside one
// 4 GiB-aligned "cage", reserved at start (a large `---p` mapping) and committed page by page as the
// heaps grow. The pages of the cage that are resident are the V8 heap committed and touched, of every
// isolate of the process. The inspector's `Runtime.getHeapUsage` (bench/lib/heap.ts) gives the Worker
// isolate alone, but only between its tasks, and during an outbound run it is not answered until the run
// ends (bench/RESULTS.md §11); /proc answers any time.
//
// The cage is found in `/proc/<pid>/maps` (cheap) and its resident pages counted in
// `/proc/<pid>/pagemap` for its committed mappings only. `smaps` would say the same, but the kernel
// walks the whole address space for it (workerd reserves terabytes): 55 ms of system time per read,
// a fifth of a core at four reads a second, beside the run being measured.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

const CAGE = 2n ** 32n;
/** A reservation this large inside a 4 GiB window is the cage (the other reservations are 1 GiB or less). */
const LEAST_RESERVATION = 2n ** 31n;
const PAGE = 4096n;

interface Mapping {
	start: bigint;
	end: bigint;
	perms: string;
}

function mappingsOf(maps: string): Mapping[] {
	const out: Mapping[] = [];
	for (const line of maps.split("\n")) {
		const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) /.exec(line);
		if (m) out.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), perms: m[3] as string });
	}
	return out;
}

/**
 * The mappings of the pointer-compression cage in one process's `maps` text that may hold pages: every
 * accessible mapping starting inside the 4 GiB-aligned window of the largest inaccessible reservation
 * of at least 2 GiB. Null when the process has no such reservation (a V8 without pointer compression).
 */
export function cageMappings(maps: string): Array<{ start: bigint; end: bigint }> | null {
	const mappings = mappingsOf(maps);
	const size = (m: Mapping) => m.end - m.start;
	const reserve = mappings
		.filter((m) => m.perms === "---p" && size(m) >= LEAST_RESERVATION && size(m) <= CAGE)
		.sort((a, b) => (size(b) > size(a) ? 1 : -1))[0];
	if (!reserve) return null;
	const base = reserve.start - (reserve.start % CAGE);
	return mappings
		.filter((m) => m.perms !== "---p" && m.start >= base && m.start < base + CAGE)
		.map(({ start, end }) => ({ start, end }));
}

/** Resident kB of `ranges` of process `pid`: a pagemap entry per page, bit 63 set when present. */
function residentKb(pid: number, ranges: ReadonlyArray<{ start: bigint; end: bigint }>): number {
	const fd = openSync(`/proc/${pid}/pagemap`, "r");
	try {
		let pages = 0;
		for (const { start, end } of ranges) {
			const entries = Number((end - start) / PAGE);
			const buf = Buffer.alloc(entries * 8);
			readSync(fd, buf, 0, buf.length, Number((start / PAGE) * 8n));
			for (let i = 0; i < entries; i++) if ((buf[i * 8 + 7] ?? 0) & 0x80) pages++;
		}
		return pages * 4;
	} finally {
		closeSync(fd);
	}
}

/** Resident kB of `pid`'s cage now, or null when it has none. */
export function cageResidentKb(pid: number): number | null {
	const ranges = cageMappings(readFileSync(`/proc/${pid}/maps`, "utf8"));
	return ranges === null ? null : residentKb(pid, ranges);
}

export interface CagePeak {
	/** Resident kB when the sampler started. */
	beforeKb: number;
	/** Highest resident kB seen. */
	peakKb: number;
	/** Highest per phase the bench named, kB. */
	phases: Record<string, number>;
	/**
	 * The highest floor: the lowest reading of each 2-second window, the highest of those (as in
	 * bench/lib/heap.ts): what stayed resident through a window, across the collections V8 ran in it.
	 */
	floorKb: number;
	readings: number;
	/** Every reading: ms since the sampler started, kB. */
	series: Array<[number, number]>;
}

/** Readings per floor window (2 s). */
const WINDOW = 8;

/**
 * Of an edge's workerd processes (wrangler's proxy and the one running the Worker), the one whose cage
 * holds the most: the Worker's, which also runs miniflare's own services (142 MB against the proxy's
 * 12 MB on a fresh start).
 */
export function largestCage(pids: readonly number[]): number {
	const sized = pids.map((pid) => ({ pid, kb: cageResidentKb(pid) ?? -1 }));
	const largest = sized.sort((a, b) => b.kb - a.kb)[0];
	if (!largest || largest.kb < 0) throw new Error(`no V8 cage found in workerd ${pids.join(", ")}`);
	return largest.pid;
}

/**
 * Reads the cage of `pid` every 250 ms until `stop()`: a reading is two /proc reads by this process
 * (2–6 ms), so it does not wait for the isolate and costs the run little.
 */
export function sampleCage(pid: number): { phase(name: string): void; stop(): CagePeak } {
	const read = () => cageResidentKb(pid) ?? 0;
	const started = performance.now();
	const peak: CagePeak = { beforeKb: read(), peakKb: 0, phases: {}, floorKb: 0, readings: 0, series: [] };
	let current: string | null = null;
	let windowLow = Number.POSITIVE_INFINITY;
	const take = () => {
		const kb = read();
		peak.readings++;
		peak.series.push([Math.round(performance.now() - started), kb]);
		peak.peakKb = Math.max(peak.peakKb, kb);
		if (current !== null) peak.phases[current] = Math.max(peak.phases[current] ?? 0, kb);
		windowLow = Math.min(windowLow, kb);
		if (peak.readings % WINDOW === 0) {
			peak.floorKb = Math.max(peak.floorKb, windowLow);
			windowLow = Number.POSITIVE_INFINITY;
		}
	};
	take();
	const timer = setInterval(take, 250);
	return {
		phase(name) {
			current = name;
		},
		stop() {
			clearInterval(timer);
			take();
			return peak;
		},
	};
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

/**
 * The highest reading in each quarter of the sampled time: a heap that grows with the work climbs
 * quarter after quarter, one bounded by it levels off once every object is awake.
 */
export function quarterPeaks(series: ReadonlyArray<readonly [number, number]>): number[] {
	const end = series.at(-1)?.[0] ?? 0;
	const peaks = [0, 0, 0, 0];
	for (const [ms, kb] of series) {
		const quarter = end === 0 ? 3 : Math.min(3, Math.floor((ms / end) * 4));
		peaks[quarter] = Math.max(peaks[quarter] ?? 0, kb);
	}
	return peaks;
}

/** One line for a run's report. */
export function describeCage(c: CagePeak): string {
	const named = Object.entries(c.phases).map(([name, kb]) => `${name} ${mb(kb)}`);
	const phases = named.length === 0 ? "" : ` (${named.join(", ")})`;
	const floor = c.floorKb === 0 ? "no whole window read" : `highest 2 s floor ${mb(c.floorKb)}`;
	const quarters = quarterPeaks(c.series)
		.map((kb) => (kb / 1024).toFixed(0))
		.join(" / ");
	return `before ${mb(c.beforeKb)}, peak ${mb(c.peakKb)}${phases} (+${mb(c.peakKb - c.beforeKb)}); ${floor}; by quarter of the run ${quarters} MB (${c.readings} readings)`;
}

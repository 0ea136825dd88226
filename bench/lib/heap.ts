// The Worker's own memory, as V8 sees it: samples the user Worker isolate's heap through the inspector
// (bench/lib/inspector.ts). Process RSS (`Edge.workerdKb`) also holds workerd itself, the local D1/R2
// engines and their caches; this is what the Worker code allocates.
import type { Inspector } from "./inspector.ts";

export interface HeapPeak {
	/** Peak V8 heap in use, bytes (V8 counts garbage not yet collected as in use). */
	used: number;
	/** Peak V8 heap reserved, bytes. */
	total: number;
	/** Peak in use per phase the bench named (`phase()`), bytes, in the order named. */
	phases: Record<string, number>;
	/**
	 * The highest floor: the lowest reading of each window of WINDOW samples (~2 s), the highest of
	 * those. What stayed in use through a whole window, across the collections V8 ran in it: closer to
	 * what the Worker holds alive than the peak, which swings with when V8 happens to collect. (workerd's
	 * inspector does not answer `HeapProfiler.collectGarbage`, so a collection cannot be asked for.)
	 */
	floor: number;
	/** `floor` per phase, bytes (a window counts for the phase it ends in). */
	floorPhases: Record<string, number>;
	/** Readings taken: the isolate answers between its tasks, so a busy one is read less than every 100 ms. */
	samples: number;
}

/** Samples per window of the floor. */
const WINDOW = 20;

interface HeapUsage {
	usedSize: number;
	totalSize: number;
}

/**
 * Starts sampling about every 100 ms; `phase(name)` starts a phase of its own peak (which step of a
 * run the peak falls in), `stop()` ends it and returns the peaks seen.
 */
export function sampleHeap(inspector: Inspector): { phase(name: string): void; stop(): Promise<HeapPeak> } {
	const peak: HeapPeak = { used: 0, total: 0, phases: {}, floor: 0, floorPhases: {}, samples: 0 };
	let current: string | null = null;
	let stopped = false;
	// One question in flight at a time, the next 100 ms after its answer. Questions sent on a fixed
	// clock pile up while long steps hold the isolate and are answered all at once when it lets go, and
	// wrangler's inspector proxy posts a debug line to its loopback for every answer: the likely cause of
	// the 10 M runs' stall (~10,000 half-closed loopback sockets, RESULTS.md §10). Only the answer to the
	// question asked schedules the next: when every message did (the proxy also forwards the runtime's
	// console events), each event started one more endless chain, hundreds of questions a second within
	// minutes (found 2026-12-01 with strace on wrangler's Node process).
	const loop = (async () => {
		let windowLow = Number.POSITIVE_INFINITY;
		for (let sample = 1; !stopped; sample++) {
			const usage = await inspector.ask<HeapUsage>("Runtime.getHeapUsage");
			peak.samples = sample;
			peak.used = Math.max(peak.used, usage.usedSize);
			peak.total = Math.max(peak.total, usage.totalSize);
			if (current !== null) peak.phases[current] = Math.max(peak.phases[current] ?? 0, usage.usedSize);
			windowLow = Math.min(windowLow, usage.usedSize);
			if (sample % WINDOW === 0) {
				peak.floor = Math.max(peak.floor, windowLow);
				if (current !== null) peak.floorPhases[current] = Math.max(peak.floorPhases[current] ?? 0, windowLow);
				windowLow = Number.POSITIVE_INFINITY;
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	})();
	return {
		phase(name) {
			current = name;
		},
		async stop() {
			stopped = true;
			await loop;
			return peak;
		},
	};
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** One line for a run's report: the peak in use and the highest floor, each with its phases when the bench named any. */
export function describeHeap(peak: HeapPeak): string {
	const perPhase = (phases: Record<string, number>) => {
		const named = Object.entries(phases).map(([name, bytes]) => `${name} ${mb(bytes)}`);
		return named.length === 0 ? "" : ` (${named.join(", ")})`;
	};
	const floor =
		peak.floor === 0 ? "no whole window sampled" : `highest 2 s floor ${mb(peak.floor)}${perPhase(peak.floorPhases)}`;
	return `${mb(peak.used)} in use${perPhase(peak.phases)}, reserved ${mb(peak.total)}; ${floor} (${peak.samples} readings)`;
}

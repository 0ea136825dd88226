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
}

interface HeapUsage {
	usedSize: number;
	totalSize: number;
}

/**
 * Starts sampling about every 100 ms; `phase(name)` starts a phase of its own peak (which step of a
 * run the peak falls in), `stop()` ends it and returns the peaks seen.
 */
export function sampleHeap(inspector: Inspector): { phase(name: string): void; stop(): Promise<HeapPeak> } {
	const peak: HeapPeak = { used: 0, total: 0, phases: {} };
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
		while (!stopped) {
			const usage = await inspector.ask<HeapUsage>("Runtime.getHeapUsage");
			peak.used = Math.max(peak.used, usage.usedSize);
			peak.total = Math.max(peak.total, usage.totalSize);
			if (current !== null) peak.phases[current] = Math.max(peak.phases[current] ?? 0, usage.usedSize);
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

// Pair consumer writes: pairs per second into D1 (+ one R2 object per batch) for batches of 100,
// written the edge's way (one bulk statement) against one statement per pair, in one runtime.
import { startEdge, stopEdges } from "../scripts/lib/wrangler-dev.ts";

const BATCHES = Number(process.env.BENCH_PAIR_BATCHES ?? 100);
const CONFIG = "bench/workers/pairs.toml";
const MODES = [
	["bulk", "one statement per batch (the edge)"],
	["batched", "one statement per pair, one transaction"],
	["single", "one awaited statement per pair"],
] as const;

export async function benchPairs(): Promise<void> {
	try {
		const base = (await startEdge({ config: CONFIG, probe: "/bulk?batches=0" })).origin;
		const rates = new Map<string, number[]>();
		// Three rounds, modes interleaved, each on fresh pairs (inserts, as the edge mostly does).
		for (let round = 0; round < 3; round++) {
			for (const [mode] of MODES) {
				const first = round * BATCHES * 100;
				const t0 = performance.now();
				const res = await fetch(`${base}/${mode}?batches=${BATCHES}&first=${first}`);
				const { pairs } = (await res.json()) as { pairs: number };
				rates.set(mode, [...(rates.get(mode) ?? []), pairs / ((performance.now() - t0) / 1000)]);
			}
		}
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
		const bulk = median(rates.get("bulk") ?? []);
		console.log(`\nPair consumer: ${BATCHES} batches of 100 pairs per round, median of 3 rounds, D1 + R2`);
		for (const [mode, what] of MODES) {
			const rate = median(rates.get(mode) ?? []);
			const slower = mode === "bulk" ? "" : `   ×${(bulk / rate).toFixed(1)} slower than bulk`;
			console.log(`  ${what.padEnd(42)} ${Math.round(rate).toLocaleString("en-US").padStart(8)} pairs/s${slower}`);
		}
	} finally {
		await stopEdges();
	}
}

if (import.meta.main) await benchPairs();

// /ibs with the stats counters on and off, in one run: two `wrangler dev` edges on the same seed, one
// started with STATS_COUNTERS=off, driven alternately round by round with the same mix of calls (stored
// pairs, consent-blocked, bad input), so drift of the machine hits both alike. Prints req/s and latency
// percentiles per configuration and the difference; then checks the "on" edge's counters reached D1.
import { eventually } from "../scripts/lib/wait.ts";
import { startEdge, stopEdges } from "../scripts/lib/wrangler-dev.ts";
import { admin } from "./lib/admin.ts";

const REQUESTS = Number(process.env.BENCH_IBS_REQUESTS ?? 900);
const ROUNDS = Number(process.env.BENCH_IBS_ROUNDS ?? 16);
const CONCURRENCY = 16;
const SEED = `INSERT INTO partners (dpid, name, redirect_hosts, receipt_emails, created_at, updated_at)
	VALUES (1000, 'Bench', '[]', '[]', 0, 0);`;

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");

/** Call `i` of a round: a third each stored, consent-blocked and bad input; a fresh visitor and address each. */
function ibsCall(base: string, i: number): Promise<Response> {
	const path = [`dpid=1000&dpuuid=u${i}`, `dpid=1000&dpuuid=u${i}&gdpr=1`, "dpid=999&dpuuid=x"][i % 3];
	// Fresh client address and visitor per call, so the per-IP and per-visitor rate limits stay out of it.
	const headers = { Cookie: `uuid=${digits(38)}`, "CF-Connecting-IP": `10.${i % 250}.${(i >> 8) % 250}.${i % 7}` };
	return fetch(`${base}/ibs:${path}`, { headers });
}

interface Round {
	seconds: number;
	latencies: number[];
	statuses: Map<number, number>;
}

async function round(base: string): Promise<Round> {
	const latencies: number[] = [];
	const statuses = new Map<number, number>();
	let next = 0;
	const started = performance.now();
	const worker = async () => {
		for (let i = next++; i < REQUESTS; i = next++) {
			const t = performance.now();
			const res = await ibsCall(base, i);
			await res.arrayBuffer();
			latencies.push(performance.now() - t);
			statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return { seconds: (performance.now() - started) / 1000, latencies, statuses };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;

export async function benchIbsCounters(): Promise<void> {
	try {
		const seed = { sqlite3: SEED };
		const edges = {
			on: (await startEdge({ seed })).origin,
			off: (await startEdge({ seed, vars: { STATS_COUNTERS: "off" } })).origin,
		};
		await round(edges.on); // warm-up: JIT, partner cache, local queue
		await round(edges.off);
		const results: Record<"on" | "off", Round[]> = { on: [], off: [] };
		for (let r = 0; r < ROUNDS; r++) {
			const order = r % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
			for (const which of order) results[which].push(await round(edges[which]));
		}
		console.log(
			`\n/ibs with stats counters on vs off — ${ROUNDS} rounds × ${REQUESTS} calls, ${CONCURRENCY} at a time`,
		);
		console.log("| counters | req/s (median round) | p50 ms | p95 ms | p99 ms | statuses |");
		console.log("|---|---|---|---|---|---|");
		const rate: Record<string, number> = {};
		for (const which of ["on", "off"] as const) {
			const rounds = results[which];
			const all = rounds.flatMap((x) => x.latencies);
			const statuses = new Map<number, number>();
			for (const x of rounds) for (const [s, n] of x.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
			rate[which] = median(rounds.map((x) => REQUESTS / x.seconds));
			const fmt = [...statuses].map(([s, n]) => `${s}×${n}`).join(" ");
			console.log(
				`| ${which} | ${rate[which]?.toFixed(0)} | ${pct(all, 0.5).toFixed(1)} | ${pct(all, 0.95).toFixed(1)} | ${pct(all, 0.99).toFixed(1)} | ${fmt} |`,
			);
		}
		const delta = ((rate.on ?? 0) / (rate.off ?? 1) - 1) * 100;
		console.log(`throughput with counters on: ${delta >= 0 ? "+" : ""}${delta.toFixed(1)} % vs off`);
		// Sanity: the "on" edge's counters reach D1 through the queue; the "off" edge counted nothing.
		type Totals = { totals: { consentBlocked: number; badInput: number } };
		const expected = ((ROUNDS + 1) * REQUESTS) / 3;
		const on = await eventually("the counters in D1", 60_000, async () => {
			const s = await admin<Totals>(edges.on, "/stats?days=1");
			return s.totals.badInput >= Math.floor(expected) ? s : undefined;
		});
		const off = await admin<Totals>(edges.off, "/stats?days=1");
		console.log(
			`counted (on): ${on.totals.badInput} bad input, ${on.totals.consentBlocked} consent-blocked; (off): ${off.totals.badInput}, ${off.totals.consentBlocked}`,
		);
	} finally {
		await stopEdges();
	}
}

if (import.meta.main) await benchIbsCounters();

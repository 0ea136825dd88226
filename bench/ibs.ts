// /ibs throughput and latency: autocannon against the full edge (parse, consent, rate limits, cookie,
// queue send) and, in the same run, against a bare Worker that only returns the same GIF — the
// runtime's own limit on this machine. Rounds alternate between the two so machine drift hits both.
// Target: the edge at ≥ 70% of the bare Worker's requests/s, p99 ≤ 2×.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { startEdge, stopEdges } from "../scripts/lib/wrangler-dev.ts";

const SECONDS = Number(process.env.BENCH_IBS_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_IBS_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_IBS_CONNECTIONS ?? 32);
// The edge's own config without its queue consumers: the consumer's work (bench/pairs.ts) runs on
// other invocations in production, while here it would share the two cores with the request path
// being measured. Written beside wrangler.toml so relative paths resolve; git-ignored, removed after.
const EDGE_CONFIG = ".bench-edge.toml";
function writeEdgeConfig(): void {
	const blocks = readFileSync("wrangler.toml", "utf8").split(/\n(?=\[)/);
	writeFileSync(EDGE_CONFIG, blocks.filter((b) => !b.startsWith("[[queues.consumers]]")).join("\n"));
}

const SEED = `INSERT INTO partners (dpid, name, redirect_hosts, receipt_emails, created_at, updated_at)
	VALUES (1000, 'Bench', '[]', '[]', 0, 0);`;

interface Sample {
	rps: number;
	p50: number;
	p99: number;
	errors: number;
	non2xx: number;
}

/** One round: every request a new partner ID, visitor and client address (as many browsers would be). */
async function load(url: string): Promise<Sample> {
	let n = 0;
	const result = await autocannon({
		url,
		connections: CONNECTIONS,
		duration: SECONDS,
		requests: [
			{
				setupRequest: (req) => {
					n++;
					return {
						...req,
						path: `/ibs:dpid=1000&dpuuid=bench${n}`,
						headers: {
							cookie: `uuid=${String(n).padStart(38, "7")}`,
							"cf-connecting-ip": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
						},
					};
				},
			},
		],
	});
	return {
		rps: result.requests.average,
		p50: result.latency.p50,
		p99: result.latency.p99,
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	};
}

function summary(samples: Sample[]): Sample {
	const median = (f: (s: Sample) => number) =>
		[...samples.map(f)].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
	const total = (f: (s: Sample) => number) => samples.reduce((n, s) => n + f(s), 0);
	return {
		rps: median((s) => s.rps),
		p50: median((s) => s.p50),
		p99: median((s) => s.p99),
		errors: total((s) => s.errors),
		non2xx: total((s) => s.non2xx),
	};
}

export async function benchIbs(): Promise<void> {
	try {
		writeEdgeConfig();
		const seed = { sqlite3: SEED };
		const edge = (await startEdge({ config: EDGE_CONFIG, seed })).origin;
		// The same edge without its rate limits: locally the binding is simulated by a separate service
		// called twice per request, which costs far more than Cloudflare's in-memory counters do.
		const unlimited = (await startEdge({ config: EDGE_CONFIG, seed, vars: { IBS_RATE_LIMITS: "false" } })).origin;
		const bare = (await startEdge({ config: "bench/workers/bare.toml", migrate: false, probe: "/" })).origin;
		// Warm both (JIT, first D1 read of the partner list).
		for (const base of [edge, unlimited, bare]) await load(base);
		const edgeSamples: Sample[] = [];
		const unlimitedSamples: Sample[] = [];
		const bareSamples: Sample[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			edgeSamples.push(await load(edge));
			unlimitedSamples.push(await load(unlimited));
			bareSamples.push(await load(bare));
		}
		const e = summary(edgeSamples);
		const u = summary(unlimitedSamples);
		const b = summary(bareSamples);
		const row = (name: string, s: Sample) =>
			`  ${name.padEnd(34)} ${Math.round(s.rps).toLocaleString("en-US").padStart(7)} req/s   p50 ${s.p50} ms   p99 ${s.p99} ms   non-2xx ${s.non2xx}, errors ${s.errors}`;
		console.log(
			`\n/ibs request path (no queue consumer running): ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s alternating the three, medians`,
		);
		console.log(row("edge /ibs (store, cookie, queue)", e));
		console.log(row("edge /ibs, IBS_RATE_LIMITS=false", u));
		console.log(row("bare Worker (same GIF, nothing else)", b));
		console.log(`  edge / bare throughput              ${(e.rps / b.rps).toFixed(2)}   (target ≥ 0.70)`);
		console.log(`  edge / bare p99                     ${(e.p99 / b.p99).toFixed(2)}   (target ≤ 2.00)`);
		console.log(
			`  without local rate limits / bare    ${(u.rps / b.rps).toFixed(2)} throughput, ${(u.p99 / b.p99).toFixed(2)} p99`,
		);
	} finally {
		await stopEdges();
		rmSync(EDGE_CONFIG, { force: true });
	}
}

if (import.meta.main) await benchIbs();

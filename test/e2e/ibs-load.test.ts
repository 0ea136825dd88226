// Load with nothing lost: thousands of /ibs calls with distinct pairs, under concurrency, against
// `wrangler dev` with the graph on 8 visitor and 6 partner-ID shards and four pair queues; afterwards
// every pair is in the graph (asked through the admin API, whatever stores it) and in the R2 archive
// exactly once.
// `npm test` runs 1,000 calls; `npm run test:soak` runs 20,000 (EDGESYNC_LOAD_CALLS).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../scripts/lib/wait.ts";
import { DEMO_SEED, DEV_SECRETS, type Edge, startEdge, stopEdges } from "../../scripts/lib/wrangler-dev.ts";
import { archivedPairs } from "./support/archive.js";

const CALLS = Number(process.env.EDGESYNC_LOAD_CALLS ?? 1_000);
const CONCURRENCY = 32;
// Each visitor makes 10 calls, so the per-visitor limit (120 a minute) is never what is measured.
const uuidOf = (i: number) => String(Math.floor(i / 10)).padStart(38, "4");
let edge: Edge;
const ADMIN = { Authorization: `Bearer ${DEV_SECRETS.ADMIN_TOKEN}` };
const ADMIN_CONCURRENCY = 8;

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
	};
	await Promise.all(Array.from({ length: width }, worker));
}

beforeAll(async () => {
	// The partner list is reloaded every second, so many calls are in flight while it is: a load shared
	// between requests failed some of them with 500 ("Cannot perform I/O on behalf of a different request").
	edge = await startEdge({
		seed: { file: DEMO_SEED },
		vars: {
			DEMO: "true",
			PARTNER_CACHE_SECONDS: "1",
			GRAPH_STORE: "shards",
			VISITOR_SHARD_COUNT: "8",
			PARTNER_ID_SHARD_COUNT: "6",
		},
	});
});
afterAll(stopEdges);

describe(`${CALLS.toLocaleString("en-US")} concurrent sync calls`, () => {
	it(
		"are all answered, and every pair lands in the sharded graph and in R2 exactly once",
		async () => {
			const statuses = new Map<number, number>();
			let next = 0;
			const client = async () => {
				for (let i = next++; i < CALLS; i = next++) {
					const res = await fetch(`${edge.origin}/ibs:dpid=1000&dpuuid=load-${i}`, {
						headers: { Cookie: `uuid=${uuidOf(i)}`, "CF-Connecting-IP": `10.9.${i >> 8}.${i & 255}` },
					});
					await res.arrayBuffer();
					statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
				}
			};
			await Promise.all(Array.from({ length: CONCURRENCY }, client));
			expect(Object.fromEntries(statuses)).toEqual({ 200: CALLS });

			// The consumers batch up to 100 messages or 2 s, and count each pair they store as new (the
			// dashboard's stats): wait for that count, then ask the graph about every pair once.
			await eventually("the consumers to store every pair", Math.max(120_000, CALLS * 10), async () => {
				const res = await fetch(`${edge.origin}/api/v1/stats?days=2&dpid=1000`, { headers: ADMIN });
				const stats = (await res.json()) as { totals: { newPairs: number } };
				return stats.totals.newPairs >= CALLS ? true : undefined;
			});
			const wrong: string[] = [];
			// At most 8 admin calls in flight: each holds a slot of the failed-credential throttle (10 per
			// address) until it is answered, so more at once would be refused with 429.
			await inParallel(
				Array.from({ length: CALLS }, (_, i) => i),
				ADMIN_CONCURRENCY,
				async (i) => {
					const res = await fetch(`${edge.origin}/api/v1/partners/1000/ids/load-${i}`, { headers: ADMIN });
					const body = (await res.json()) as { uuid?: string };
					if (res.status !== 200 || body.uuid !== uuidOf(i)) wrong.push(`load-${i}: ${res.status} ${body.uuid}`);
				},
			);
			expect(wrong).toEqual([]);
			// …and the answers came from the shards: with GRAPH_STORE=shards, D1 holds no pair.
			const [inD1] = await edge.query<{ n: number }>("SELECT count(*) AS n FROM id_pairs");
			expect(inD1?.n).toBe(0);

			const archived = await eventually("every pair in R2", 60_000, async () => {
				const lines = (await archivedPairs(edge.persist)).filter((p) => p.dpuuid.startsWith("load-"));
				return lines.length >= CALLS ? lines : undefined;
			});
			const perPair = new Map<string, number>();
			for (const p of archived) perPair.set(p.dpuuid, (perPair.get(p.dpuuid) ?? 0) + 1);
			expect(perPair.size).toBe(CALLS);
			expect([...perPair.values()].every((n) => n === 1)).toBe(true);
			expect(archived.every((p) => p.uuid === uuidOf(Number(p.dpuuid.slice(5))))).toBe(true);
		},
		Math.max(90_000, CALLS * 30),
	);
});

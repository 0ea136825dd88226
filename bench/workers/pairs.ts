// Benchmark only (bench/pairs.ts): the pair consumer's D1 and R2 writes, driven batch by batch from
// HTTP so the three ways of writing a batch of 100 pairs can be timed on the same runtime:
// `bulk` (the edge's: one statement per 1,000 pairs), `batched` (one statement per pair, all in one
// db.batch transaction) and `single` (one awaited statement per pair). R2 gets one object per batch
// in every mode, as in the edge.

import { d1PairStore } from "../../core/graph/d1-store";
import * as sql from "../../core/graph/queries";
import { archivePairs } from "../../worker/pairs/archive";

interface PairsBenchBindings {
	DB: D1Database;
	ARCHIVE: R2Bucket;
}

const BATCH = 100;

export default {
	async fetch(request: Request, env: PairsBenchBindings): Promise<Response> {
		const url = new URL(request.url);
		const mode = url.pathname.slice(1);
		const batches = Number(url.searchParams.get("batches") ?? "10");
		const first = Number(url.searchParams.get("first") ?? "0");
		if (!["bulk", "batched", "single"].includes(mode)) return new Response("mode?", { status: 404 });
		const now = Date.now();
		for (let b = 0; b < batches; b++) {
			const pairs = Array.from({ length: BATCH }, (_, i) => {
				const n = first + b * BATCH + i;
				return { dpid: 1000, dpuuid: `${mode}-${n}`, uuid: String(n).padStart(38, "0"), at: now, id: `m${n}` };
			});
			if (mode === "bulk") await d1PairStore(env.DB).upsert(pairs, now);
			const one = (p: (typeof pairs)[number]) => env.DB.prepare(sql.UPSERT_PAIRS).bind(sql.eventsJson([p]), now);
			if (mode === "batched") await env.DB.batch(pairs.map(one));
			if (mode === "single") for (const p of pairs) await one(p).run();
			await archivePairs(env.ARCHIVE, pairs);
		}
		return Response.json({ pairs: batches * BATCH });
	},
} satisfies ExportedHandler<PairsBenchBindings>;

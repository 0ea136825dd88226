// Benchmark only (bench/shards.ts): loads pair events into the sharded store (the edge's own classes
// and store, on a map of ?visitors= and ?partners= shards) or into today's D1 schema, and reports what
// each stored and wrote, from the storage's own counters.
import { d1Memberships } from "../../core/graph/memberships/d1-memberships";
import type { SegmentDef } from "../../core/graph/memberships/segment-rule";
import type { TraitChange } from "../../core/graph/memberships/types";
import type { PairEvent } from "../../core/graph/pair-event";
import * as sql from "../../core/graph/queries";
import { PartnerIdShard } from "../../core/graph/shards/partner-id-shard";
import { initialRanges, shardMapOf } from "../../core/graph/shards/shard-map";
import { shardedPairStore } from "../../core/graph/shards/store";
import { VisitorShard } from "../../core/graph/shards/visitor-shard";

export { PartnerIdShard, VisitorShard };

interface ShardsBenchBindings {
	DB: D1Database;
	VISITOR_SHARDS: DurableObjectNamespace<VisitorShard>;
	PARTNER_ID_SHARDS: DurableObjectNamespace<PartnerIdShard>;
}

/** The pair upsert before writes-only-on-change (issue 13): every sighting rewrote the row and its index entry. */
const UPSERT_BEFORE = sql.UPSERT_PAIRS.slice(0, sql.UPSERT_PAIRS.indexOf("\nWHERE (excluded.last_seen"));

export default {
	async fetch(request: Request, env: ShardsBenchBindings): Promise<Response> {
		const url = new URL(request.url);
		const visitors = Number(url.searchParams.get("visitors") ?? "8");
		const partners = Number(url.searchParams.get("partners") ?? "4");
		const map = shardMapOf(1, [...initialRanges("visitor", visitors), ...initialRanges("partner_id", partners)]);
		const now = Number(url.searchParams.get("now") ?? Date.now());
		if (url.pathname === "/ping") return new Response("ok");
		if (url.pathname === "/shards/upsert") {
			const events = (await request.json()) as PairEvent[];
			const store = shardedPairStore(
				{ visitors: env.VISITOR_SHARDS, partnerIds: env.PARTNER_ID_SHARDS },
				async () => map,
			);
			const t0 = performance.now();
			await store.upsert(events, now);
			return Response.json({ ms: performance.now() - t0 });
		}
		if (url.pathname === "/shards/traits" || url.pathname === "/d1/traits") {
			const { changes, segments } = (await request.json()) as { changes: TraitChange[]; segments: SegmentDef[] };
			const store = url.pathname.startsWith("/d1")
				? d1Memberships(env.DB)
				: shardedPairStore({ visitors: env.VISITOR_SHARDS, partnerIds: env.PARTNER_ID_SHARDS }, async () => map);
			const t0 = performance.now();
			for (const change of changes) await store.applyTraits(change, segments, now);
			const ms = performance.now() - t0;
			const { meta } = await env.DB.prepare("SELECT 1").run();
			return Response.json({ ms, d1SizeAfter: meta.size_after });
		}
		if (url.pathname === "/shards/sizes") {
			return Response.json({
				visitor: await Promise.all(map.visitor.names.map((n) => env.VISITOR_SHARDS.getByName(n).size())),
				memberships: await Promise.all(
					map.visitor.names.map((n) => env.VISITOR_SHARDS.getByName(n).membershipCounts()),
				),
				partnerId: await Promise.all(map.partnerId.names.map((n) => env.PARTNER_ID_SHARDS.getByName(n).size())),
			});
		}
		if (url.pathname === "/d1/upsert") {
			const events = (await request.json()) as PairEvent[];
			const statement = url.searchParams.get("statement") === "before" ? UPSERT_BEFORE : sql.UPSERT_PAIRS;
			let rowsWritten = 0;
			let sizeAfter = 0;
			for (let i = 0; i < events.length; i += 1000) {
				const { meta } = await env.DB.prepare(statement)
					.bind(sql.eventsJson(events.slice(i, i + 1000)), now)
					.run();
				rowsWritten += meta.rows_written;
				sizeAfter = meta.size_after;
			}
			return Response.json({ rowsWritten, sizeAfter });
		}
		return new Response("no such bench route", { status: 404 });
	},
} satisfies ExportedHandler<ShardsBenchBindings>;

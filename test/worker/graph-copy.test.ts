import { createScheduledController, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { d1PairStore } from "../../core/graph/d1-store";
import { pairStoreOf } from "../../core/graph/select";
import { mergeCopiedMapping } from "../../core/graph/shards/mapping";
import { forgetStrandedCheck } from "../../core/graph/stranded";
import worker from "../../worker";
import { call, callWith } from "./support/edge";
import { captureLogs } from "./support/log-lines";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
// A deployment on its way to the shards: writes reach both stores, reads come from D1.
const MIGRATING = { GRAPH_STORE: "d1+shards" } as const;
const migrating = (path: string, init: RequestInit) => callWith(MIGRATING, path, init);
const uuid = (n: number) => String(n).padStart(38, "6");
const SEGMENT_2 = { id: 2, tree: { op: "trait" as const, id: 5 } };

/** A deployment's D1 graph before the shards existed: pairs, moves, opt-outs of both kinds, tombstones. */
async function seedD1Only() {
	const d1 = d1PairStore(env.DB);
	const events = Array.from({ length: 45 }, (_, i) => ({
		dpid: 1000 + (i % 3),
		dpuuid: `id-${i}`,
		uuid: uuid(i % 15),
		at: T0 + i,
	}));
	await d1.upsert(events, T0);
	await d1.upsert([{ dpid: 1000, dpuuid: "id-0", uuid: uuid(14), at: T0 + 1000 }], T0 + 1000);
	// Trait 5 for ten visitors, which puts them in segment 2 (rule T5).
	const effects = Array.from({ length: 10 }, (_, i) => ({ uuid: uuid(i), trait: 5, add: true }));
	await d1.applyTraits({ key: "seed", source: 1000, cleared: [], effects }, [SEGMENT_2], T0 + 1500);
	await d1.forgetVisitor(uuid(3), T0 + 2000);
	await d1.forgetPartnerId(1001, "id-1", T0 + 3000);
}

async function runCopy(body: unknown) {
	const res = await migrating("/api/v1/graph/copies", { method: "POST", headers: ADMIN, body: JSON.stringify(body) });
	expect(res.status).toBe(202);
	const { id } = (await res.json()) as { id: string };
	await using instance = await introspectWorkflowInstance(env.GRAPH_COPY_WORKFLOW, id);
	await instance.waitForStatus("complete");
	return id;
}

describe("copying the D1 graph into the shards", () => {
	it("copies pairs, opt-outs, tombstones, traits and segments in pages, then says the shards hold what D1 holds", async () => {
		await seedD1Only();
		const id = await runCopy({ pageSize: 100 });
		const copy = await (await call(`/api/v1/graph/copies/${id}`, { headers: ADMIN })).json();
		expect(copy).toMatchObject({
			id,
			phase: "done",
			copied: { opt_outs: 1, partner_opt_outs: 1, tombstones: 4, pairs: 41, traits: 9, segments: 10 },
			counts: {
				d1: { pairs: 41, optOuts: 1, partnerOptOuts: 1, traits: 9, segmentRows: 10 },
				shards: { pairs: 41, visitorPairs: 41, optOuts: 1, partnerOptOuts: 1, traits: 9, segmentRows: 10 },
				complete: true,
			},
		});
		// Outbound listings read from the shards list what D1 lists, removals included.
		const [d1, shards] = [pairStoreOf({ ...env, GRAPH_STORE: "d1" }), pairStoreOf({ ...env, GRAPH_STORE: "shards" })];
		const listing = { dpid: 1000, segments: [2], after: "", limit: 100 };
		expect((await shards.memberPage({ ...listing, endedAfter: 0 })).rows).toEqual(
			(await d1.memberPage({ ...listing, endedAfter: 0 })).rows,
		);
		const removals = { ...listing, since: T0, until: T0 + 5000 };
		expect((await d1.removalPage(removals)).rows.map((r) => r.dpuuid)).toEqual(["id-18", "id-3", "id-33"]);
		expect((await shards.removalPage(removals)).rows).toEqual((await d1.removalPage(removals)).rows);
		// Reads switched to the shards answer as D1 does.
		for (const n of [0, 3, 14]) {
			const path = `/api/v1/visitors/${uuid(n)}`;
			const [fromD1, fromShards] = await Promise.all([
				callWith({ GRAPH_STORE: "d1" }, path, { headers: ADMIN }),
				callWith({ GRAPH_STORE: "shards" }, path, { headers: ADMIN }),
			]);
			expect(await fromShards.json()).toEqual(await fromD1.json());
		}
		const moved = await callWith({ GRAPH_STORE: "shards" }, "/api/v1/partners/1000/ids/id-0", { headers: ADMIN });
		expect(await moved.json()).toMatchObject({ uuid: uuid(14), pairedAt: T0 + 1000 });
	});

	it("an upgraded deployment on GRAPH_STORE=shards serves nothing while its graph is still in D1, until a copy completed", async () => {
		await seedD1Only();
		const log = captureLogs();
		const onShards = (path: string) => callWith({ GRAPH_STORE: "shards" }, path, { headers: ADMIN });
		for (const path of [`/api/v1/visitors/${uuid(0)}`, "/ibs:dpid=1000&dpuuid=a", "/health"]) {
			expect((await onShards(path)).status).toBe(500);
		}
		expect(log.events("http.refused").map((l) => l.reason)).toContainEqual(
			expect.stringContaining('edgesync refuses to run: GRAPH_STORE is "shards"'),
		);
		const cron = createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });
		await expect(worker.scheduled(cron, { ...env, GRAPH_STORE: "shards" })).rejects.toThrow(/graph is in D1/);
		await runCopy({});
		// A new isolate asks again: with the copy complete, the shards serve.
		forgetStrandedCheck();
		expect((await onShards(`/api/v1/visitors/${uuid(0)}`)).status).toBe(200);
	});

	it("a second copy changes nothing, and keeps what dual writes made newer", async () => {
		await seedD1Only();
		await runCopy({});
		// The edge keeps serving with dual writes: a newer sighting reaches both stores.
		await pairStoreOf({ ...env, ...MIGRATING }).upsert(
			[{ dpid: 1002, dpuuid: "id-2", uuid: uuid(7), at: T0 + 86_400_000 }],
			T0 + 86_400_000,
		);
		const again = await runCopy({});
		const copy = (await (await call(`/api/v1/graph/copies/${again}`, { headers: ADMIN })).json()) as {
			counts: { complete: boolean };
		};
		expect(copy.counts.complete).toBe(true);
		expect((await pairStoreOf({ ...env, ...MIGRATING }).partnerId(1002, "id-2")).uuid).toBe(uuid(7));
		const shards = await callWith({ GRAPH_STORE: "shards" }, "/api/v1/partners/1002/ids/id-2", { headers: ADMIN });
		expect(await shards.json()).toMatchObject({ uuid: uuid(7), lastSeen: T0 + 86_400_000 });
	});

	it("merging a copied mapping never undoes a newer one (a tie keeps the shard's)", () => {
		const shard = { uuid: "B", first_seen: 5, last_seen: 20, paired_at: 20 };
		expect(mergeCopiedMapping(shard, { uuid: "A", first_seen: 1, last_seen: 10, paired_at: 1 })).toEqual({
			uuid: "B",
			first_seen: 1,
			last_seen: 20,
			paired_at: 20,
		});
		expect(mergeCopiedMapping(shard, { uuid: "A", first_seen: 5, last_seen: 20, paired_at: 3 })).toBeNull();
		expect(mergeCopiedMapping(shard, { uuid: "A", first_seen: 6, last_seen: 30, paired_at: 25 })).toEqual({
			uuid: "A",
			first_seen: 5,
			last_seen: 30,
			paired_at: 25,
		});
		expect(mergeCopiedMapping(null, shard)).toEqual(shard);
	});

	it("refuses to start without dual writes (409), and answers 404 for an unknown copy", async () => {
		const res = await callWith({ GRAPH_STORE: "d1" }, "/api/v1/graph/copies", {
			method: "POST",
			headers: ADMIN,
			body: "{}",
		});
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({
			error: "GRAPH_STORE is d1: set d1+shards (write both, read D1) before copying",
		});
		expect((await call("/api/v1/graph/copies/graph-copy-1", { headers: ADMIN })).status).toBe(404);
		const bad = await migrating("/api/v1/graph/copies", {
			method: "POST",
			headers: ADMIN,
			body: JSON.stringify({ pageSize: 5 }),
		});
		expect(bad.status).toBe(400);
	});
});

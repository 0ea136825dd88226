import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { settingsOf } from "../../core/config/settings";
import type { PairEvent, PairMessage } from "../../core/graph/pair-event";
import { pairStoreOf } from "../../core/graph/select";
import worker from "../../worker";
import { retryDelay } from "../../worker/pairs/consumer";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

let seq = 0;
function message(body: unknown, attempts = 1) {
	return { id: `msg-${++seq}`, timestamp: new Date(T0), attempts, body };
}
const pairs = (uuid: string, at: number, ...list: Array<[number, string]>): PairMessage => ({
	v: 1,
	uuid,
	at,
	pairs: list.map(([dpid, dpuuid]) => ({ dpid, dpuuid })),
});

async function consume(queue: string, messages: ReturnType<typeof message>[]) {
	const batch = createMessageBatch(queue, messages);
	const ctx = createExecutionContext();
	await worker.queue(batch, env);
	return getQueueResult(batch, ctx);
}

// Every partner ID these tests sync, in key order.
const KEYS: ReadonlyArray<[number, string]> = [
	[1000, "a"],
	[1000, "b"],
	[1000, "blocked"],
	[1000, "c"],
	[1000, "good"],
	[1000, "poison"],
	[2000, "b"],
];

/** The pairs the graph holds, read through the configured store. */
async function rows() {
	const graph = pairStoreOf(env);
	const records = await Promise.all(KEYS.map(([dpid, dpuuid]) => graph.partnerId(dpid, dpuuid)));
	return records
		.filter((r) => r.uuid !== null)
		.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid, uuid: r.uuid, first_seen: r.firstSeen, last_seen: r.lastSeen }));
}

/**
 * Makes the configured store's pair writes fail for partner IDs `failing` names (all of them when it
 * is omitted): D1's batch on the D1 reference, the partner-ID shards' RPC on the shards.
 */
function failGraphWrites(failing: (dpuuid: string) => boolean = () => true) {
	if (settingsOf(env).graphStore === "d1") {
		const poisoned = new WeakSet<D1PreparedStatement>();
		const realPrepare = env.DB.prepare.bind(env.DB);
		const realBatch = env.DB.batch.bind(env.DB);
		vi.spyOn(env.DB, "prepare").mockImplementation((query) => {
			const statement = realPrepare(query);
			const bind = statement.bind.bind(statement);
			statement.bind = (...values: unknown[]) => {
				const bound = bind(...values);
				const text = values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
				const ids = [...text.matchAll(/"dpuuid":"([^"]*)"/g)].map((m) => m[1] ?? "");
				if (ids.some(failing)) poisoned.add(bound);
				return bound;
			};
			return statement;
		});
		vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
			if (statements.some((s) => poisoned.has(s))) throw new Error("D1 is unavailable");
			return realBatch(statements);
		});
		return;
	}
	const realShard = env.PARTNER_ID_SHARDS.getByName.bind(env.PARTNER_ID_SHARDS);
	vi.spyOn(env.PARTNER_ID_SHARDS, "getByName").mockImplementation((name) => {
		const shard = realShard(name);
		const assert = async (events: readonly PairEvent[], now: number) => {
			if (events.some((e) => failing(e.dpuuid))) throw new Error("the shard is unavailable");
			return shard.assert(events, now);
		};
		return new Proxy(shard, { get: (target, key) => (key === "assert" ? assert : Reflect.get(target, key)) });
	});
}

async function archived(prefix = "pairs/") {
	const listed = await env.ARCHIVE.list({ prefix });
	const lines: unknown[] = [];
	for (const obj of listed.objects) {
		const body = await env.ARCHIVE.get(obj.key);
		const text = await new Response(body?.body.pipeThrough(new DecompressionStream("gzip"))).text();
		lines.push(
			...text
				.trim()
				.split("\n")
				.map((l) => JSON.parse(l)),
		);
	}
	return { keys: listed.objects.map((o) => o.key), lines };
}

describe("pair queue consumer", () => {
	it("writes a whole batch to D1 in bulk and to R2 as one gzip NDJSON object per day", async () => {
		const result = await consume("edgesync-pairs", [
			message(pairs(U1, T0, [1000, "a"], [2000, "b"])),
			message(pairs(U2, T0 + 1, [1000, "c"])),
		]);
		expect(result.explicitAcks).toHaveLength(2);
		expect(result.retryMessages).toEqual([]);
		expect(await rows()).toEqual([
			{ dpid: 1000, dpuuid: "a", uuid: U1, first_seen: T0, last_seen: T0 },
			{ dpid: 1000, dpuuid: "c", uuid: U2, first_seen: T0 + 1, last_seen: T0 + 1 },
			{ dpid: 2000, dpuuid: "b", uuid: U1, first_seen: T0, last_seen: T0 },
		]);
		const { keys, lines } = await archived();
		expect(keys).toHaveLength(1);
		expect(keys[0]).toMatch(/^pairs\/dt=2026-11-28\/\d+-[0-9a-f]{24}\.ndjson\.gz$/);
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatchObject({ dpid: 1000, dpuuid: "a", uuid: U1, at: T0 });
	});

	it("upserts: the newest mapping wins and first/last seen widen, whatever the arrival order", async () => {
		await consume("edgesync-pairs", [message(pairs(U1, T0 + 5000, [1000, "a"]))]);
		await consume("edgesync-pairs", [message(pairs(U2, T0, [1000, "a"]))]); // older, arrives late
		await consume("edgesync-pairs", [message(pairs(U2, T0 + 9000, [1000, "a"]))]);
		expect(await rows()).toEqual([{ dpid: 1000, dpuuid: "a", uuid: U2, first_seen: T0, last_seen: T0 + 9000 }]);
	});

	it("a replayed batch changes nothing in D1 and rewrites the same R2 object", async () => {
		const batch = [message(pairs(U1, T0, [1000, "a"]))];
		await consume("edgesync-pairs", batch);
		await consume("edgesync-pairs", batch);
		expect(await rows()).toHaveLength(1);
		const { keys, lines } = await archived();
		expect(keys).toHaveLength(1);
		expect(lines).toHaveLength(1);
	});

	it("splits R2 objects at UTC midnight", async () => {
		const midnight = Date.UTC(2026, 10, 29);
		await consume("edgesync-pairs", [
			message(pairs(U1, midnight - 1, [1000, "a"])),
			message(pairs(U1, midnight, [1000, "b"])),
		]);
		const { keys } = await archived();
		expect(keys.map((k) => k.split("/")[1])).toEqual(["dt=2026-11-28", "dt=2026-11-29"]);
	});

	it("skips pairs of opted-out visitors and opted-out partner IDs in D1 and R2", async () => {
		const store = pairStoreOf(env);
		await store.forgetVisitor(U2, T0);
		// A partner-level opt-out needs the ID in the graph (made-up IDs leave no row): sync it first.
		await store.upsert([{ dpid: 1000, dpuuid: "blocked", uuid: U1, at: T0 - 1 }]);
		expect(await store.forgetPartnerId(1000, "blocked", T0)).toBe(true);
		await consume("edgesync-pairs", [
			message(pairs(U1, T0, [1000, "a"], [1000, "blocked"])),
			message(pairs(U2, T0, [1000, "c"])),
		]);
		expect((await rows()).map((r) => r.dpuuid)).toEqual(["a"]);
		expect((await archived()).lines).toHaveLength(1);
	});

	it("retries the batch with back-off when the store fails, and loses nothing", async () => {
		failGraphWrites();
		const failed = await consume("edgesync-pairs", [
			message(pairs(U1, T0, [1000, "a"]), 1),
			message(pairs(U2, T0, [1000, "b"]), 3),
		]);
		expect(failed.explicitAcks).toEqual([]);
		expect(failed.retryMessages).toHaveLength(2);
		vi.restoreAllMocks();
		const ok = await consume("edgesync-pairs", [message(pairs(U1, T0, [1000, "a"]), 2)]);
		expect(ok.explicitAcks).toHaveLength(1);
		expect(await rows()).toHaveLength(1);
	});

	it("backs off exponentially from 10 s to at most 5 minutes", () => {
		expect([1, 2, 3, 4, 5, 6, 10].map(retryDelay)).toEqual([10, 20, 40, 80, 160, 300, 300]);
	});

	it("retries when the R2 put fails, so D1 and R2 stay complete", async () => {
		vi.spyOn(env.ARCHIVE, "put").mockRejectedValueOnce(new Error("R2 is unavailable"));
		const result = await consume("edgesync-pairs", [message(pairs(U1, T0, [1000, "a"]))]);
		expect(result.retryMessages).toHaveLength(1);
		expect(result.explicitAcks).toEqual([]);
	});

	it("isolates a poison message: the rest of the batch is acknowledged", async () => {
		// Writes of the poison ID fail in the store; everything else goes to the real one.
		failGraphWrites((dpuuid) => dpuuid === "poison");
		const good = message(pairs(U1, T0, [1000, "good"]));
		const bad = message(pairs(U2, T0, [1000, "poison"]));
		const result = await consume("edgesync-pairs", [good, bad]);
		expect(result.explicitAcks).toEqual([good.id]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual([bad.id]);
	});

	it("dead-letters malformed messages to R2 at once instead of retrying them", async () => {
		const result = await consume("edgesync-pairs", [
			message({ v: 1, uuid: "not-a-uuid", at: T0, pairs: [] }),
			message("garbage"),
			message(pairs(U1, T0, [1000, "a"])),
		]);
		expect(result.explicitAcks).toHaveLength(3);
		const dead = await env.ARCHIVE.list({ prefix: "dead-letter/edgesync-pairs/malformed/" });
		expect(dead.objects).toHaveLength(1);
		const kept = await (await env.ARCHIVE.get(dead.objects[0]?.key ?? ""))?.json<Array<{ body: unknown }>>();
		expect(kept?.map((k) => k.body)).toContainEqual("garbage");
		expect(await rows()).toHaveLength(1);
	});

	it("consumes the pair queues of every environment (staging's are named edgesync-staging-pairs…)", async () => {
		const staging = await consume("edgesync-staging-pairs-2", [message(pairs(U1, T0, [1000, "a"]))]);
		expect(staging.explicitAcks).toHaveLength(1);
		expect(await rows()).toMatchObject([{ dpid: 1000, dpuuid: "a", uuid: U1 }]);
		await expect(consume("edgesync-pairs-archive", [message(pairs(U2, T0, [1000, "c"]))])).rejects.toThrow(
			"no consumer for queue edgesync-pairs-archive",
		);
	});

	it("the dead-letter queue consumer keeps exhausted messages in R2", async () => {
		const result = await consume("edgesync-pairs-dlq", [message(pairs(U1, T0, [1000, "a"]), 6)]);
		expect(result.ackAll).toBe(true);
		const dead = await env.ARCHIVE.list({ prefix: "dead-letter/edgesync-pairs-dlq/exhausted/" });
		expect(dead.objects).toHaveLength(1);
	});
});

// Stats counters: new vs refreshed pairs tallied by the queue consumer, rejected and consent-blocked
// /ibs calls counted in memory and delivered as counter messages, and /api/v1/stats reading them back.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PairMessage } from "../../core/graph/pair-event";
import { pairStoreOf } from "../../core/graph/select";
import worker from "../../worker";
import { addCounters } from "../../worker/stats/aggregate";
import { type CounterMessage, reasonKey } from "../../worker/stats/counters";
import { countingWindow, flushIbsCounters, flushWindow } from "../../worker/stats/ibs-counters";
import { call } from "./support/edge";
import { runCron } from "./support/inbound";
import { seedPartner } from "./support/partners";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const DAY0 = "2026-11-27";
const T1 = T0 + 86_400_000;

let seq = 0;
const message = (body: unknown) => ({ id: `stats-${++seq}`, timestamp: new Date(T0), attempts: 1, body });
const pairs = (uuid: string, at: number, ...list: Array<[number, string]>): PairMessage => ({
	v: 1,
	uuid,
	at,
	pairs: list.map(([dpid, dpuuid]) => ({ dpid, dpuuid })),
});

async function consume(bodies: unknown[]) {
	const batch = createMessageBatch("edgesync-pairs", bodies.map(message));
	await worker.queue(batch, env);
	return getQueueResult(batch, createExecutionContext());
}

async function counters() {
	const { results } = await env.DB.prepare(
		"SELECT day, dpid, metric, reason, count FROM sync_counters ORDER BY day, dpid, metric, reason",
	).all();
	return results;
}

/** Flushes the isolate's pending /ibs counters and returns the counter messages sent. */
async function flushed(): Promise<CounterMessage[]> {
	const sent: CounterMessage[] = [];
	const sendBatch = env.PAIRS_QUEUE.sendBatch.bind(env.PAIRS_QUEUE);
	vi.spyOn(env.PAIRS_QUEUE, "sendBatch").mockImplementation(async (messages, options) => {
		const list = [...messages];
		for (const m of list) sent.push(m.body as CounterMessage);
		return sendBatch(list, options); // still sent, to the test queue nobody consumes
	});
	await flushIbsCounters(env.PAIRS_QUEUE);
	return sent;
}

beforeEach(async () => {
	await flushed(); // nothing counted by an earlier test leaks into this one
	vi.restoreAllMocks();
});

describe("the queue consumer aggregates sync counters per day and partner", () => {
	it("counts partner IDs new to the ID graph apart from refreshed ones", async () => {
		await consume([pairs(U1, T0, [1000, "a"], [2000, "b"])]);
		// "a" again (refreshed), "c" new, and "c" twice in one batch: new once, then a refresh.
		await consume([pairs(U2, T0 + 5, [1000, "a"], [1000, "c"]), pairs(U2, T0 + 6, [1000, "c"])]);
		await consume([pairs(U1, T1, [1000, "a"])]);
		expect(await counters()).toEqual([
			{ day: DAY0, dpid: 1000, metric: "new_pairs", reason: "", count: 2 },
			{ day: DAY0, dpid: 1000, metric: "refreshed_pairs", reason: "", count: 2 },
			{ day: DAY0, dpid: 2000, metric: "new_pairs", reason: "", count: 1 },
			{ day: "2026-11-28", dpid: 1000, metric: "refreshed_pairs", reason: "", count: 1 },
		]);
	});

	it("does not count pairs of opted-out visitors, which are not stored", async () => {
		await pairStoreOf(env).forgetVisitor(U2, 1);
		await consume([pairs(U2, T0, [1000, "x"]), pairs(U1, T0, [1000, "y"])]);
		expect(await counters()).toEqual([{ day: DAY0, dpid: 1000, metric: "new_pairs", reason: "", count: 1 }]);
	});

	it("adds counter messages up, acks them and never dead-letters them, beside pair messages", async () => {
		const counts = (n: number): CounterMessage => ({
			v: 1,
			kind: "counters",
			counts: [{ day: DAY0, dpid: 0, metric: "bad_input", reason: "unknown dpid N", n }],
		});
		const result = await consume([counts(2), pairs(U1, T0, [1000, "a"]), counts(3)]);
		expect(result.explicitAcks).toHaveLength(3);
		expect(result.retryMessages).toEqual([]);
		expect((await env.ARCHIVE.list({ prefix: "dead-letter/" })).objects).toEqual([]);
		await consume([counts(1)]);
		expect(await counters()).toEqual([
			{ day: DAY0, dpid: 0, metric: "bad_input", reason: "unknown dpid N", count: 6 },
			{ day: DAY0, dpid: 1000, metric: "new_pairs", reason: "", count: 1 },
		]);
	});
});

describe("/ibs counts rejected and consent-blocked calls without touching D1", () => {
	beforeEach(async () => {
		await seedPartner({ dpid: 1000 });
	});

	it("counts bad input by normalized reason and no-consent calls by partner; stored calls not at all", async () => {
		expect((await call("/ibs:dpid=1000&dpuuid=warm&gdpr=0")).status).toBe(200); // partner list now cached
		const prepare = vi.spyOn(env.DB, "prepare");
		// Calls whose IDs were all skipped (AAM's per-ID errors, answered 200) count as bad input.
		expect((await call("/ibs:dpid=999&dpuuid=abc")).headers.get("X-Error")).toBe("300,104");
		expect((await call("/ibs:dpid=998&dpuuid=abc")).status).toBe(200);
		expect((await call("/ibs:dpid=1000&dpuuid=")).headers.get("X-Error")).toBe("300,104");
		expect((await call("/ibs")).status).toBe(400); // refused as a whole
		// Limits echo the caller's IDs in AAM's message; the counted reason does not, so no caller mints reasons.
		const flood = (tag: string) => Array.from({ length: 4 }, (_, i) => `d_cid=1000%01${tag}${i}`).join("&");
		expect((await call(`/ibs:${flood("a")}`)).headers.get("X-Error")).toBe("310");
		expect((await call(`/ibs:${flood("b")}`)).headers.get("X-Error")).toBe("310");
		expect((await call("/ibs:dpid=1000&dpuuid=abc&gdpr=1")).status).toBe(200);
		expect((await call("/ibs:dpid=1000&dpuuid=abc&gdpr=0")).status).toBe(200);
		expect(prepare).not.toHaveBeenCalled();

		const sent = await flushed();
		expect(sent).toHaveLength(1);
		const today = new Date().toISOString().slice(0, 10);
		expect(sent[0]?.counts).toEqual([
			{ day: today, dpid: 0, metric: "bad_input", reason: "unknown dpid N", n: 2 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "dpuuid is empty", n: 1 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "dpid is missing", n: 1 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "more than N IDs of one data source", n: 2 },
			{ day: today, dpid: 1000, metric: "consent_blocked", reason: "", n: 1 },
		]);
		expect(await flushed()).toEqual([]); // flushed once, not twice

		// The message goes through the real consumer into D1.
		await consume(sent);
		expect(await counters()).toEqual([
			{ day: today, dpid: 0, metric: "bad_input", reason: "dpid is missing", count: 1 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "dpuuid is empty", count: 1 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "more than N IDs of one data source", count: 2 },
			{ day: today, dpid: 0, metric: "bad_input", reason: "unknown dpid N", count: 2 },
			{ day: today, dpid: 1000, metric: "consent_blocked", reason: "", count: 1 },
		]);
	});

	it("flushes a window only by its own timer: one left from a window already flushed sends nothing", async () => {
		expect((await call("/ibs:dpid=999&dpuuid=abc")).headers.get("X-Error")).toBe("300,104");
		const first = countingWindow();
		expect((await flushed()).map((m) => m.counts.length)).toEqual([1]); // the first window ends early
		expect((await call("/ibs:dpid=998&dpuuid=abc")).headers.get("X-Error")).toBe("300,104");
		vi.restoreAllMocks(); // flushed() left its own spy, with its calls
		const sendBatch = vi.spyOn(env.PAIRS_QUEUE, "sendBatch");
		await flushWindow(first, env.PAIRS_QUEUE); // the first window's timer, due now
		expect(sendBatch).not.toHaveBeenCalled();
		await flushWindow(countingWindow(), env.PAIRS_QUEUE); // the second window's own timer
		expect(sendBatch).toHaveBeenCalledTimes(1);
		expect(sendBatch.mock.calls[0]?.[0]).toEqual([
			expect.objectContaining({
				body: expect.objectContaining({ counts: [expect.objectContaining({ reason: "unknown dpid N", n: 1 })] }),
			}),
		]);
	});

	it("keeps reasons few: numbers, quoted values and redirect hosts are taken out", () => {
		expect(reasonKey("unknown dpid 4711; dpuuid is empty")).toBe("unknown dpid N");
		expect(reasonKey('unknown integration code "abc"')).toBe('unknown integration code "…"');
		expect(reasonKey("redir host evil.example is not allowed for this partner")).toBe(
			"redir host … is not allowed for this partner",
		);
		expect(reasonKey("x".repeat(500))).toHaveLength(120);
	});
});

describe("counter retention", () => {
	it("the cron drops counters older than 400 days and keeps the rest", async () => {
		const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
		await addCounters(env.DB, [
			{ day: day(405), dpid: 1000, metric: "bad_input", reason: "old", n: 1 },
			{ day: day(395), dpid: 1000, metric: "bad_input", reason: "a year ago", n: 1 },
			{ day: day(3), dpid: 1000, metric: "bad_input", reason: "recent", n: 1 },
		]);
		await runCron();
		const { results } = await env.DB.prepare("SELECT reason FROM sync_counters ORDER BY day").all<{ reason: string }>();
		expect(results.map((r) => r.reason)).toEqual(["a year ago", "recent"]);
	});
});

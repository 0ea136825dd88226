// /api/v1/stats: the numbers the dashboard shows, for the operator (all partners) and for a partner key
// (its own only), read from the consumer's counters, the inbound receipts and the outbound runs.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { addCounters } from "../../worker/stats/aggregate";
import type { Stats } from "../../worker/stats/read";
import { call } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";

const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const longAgo = "2020-01-01";
let keys: Record<1000 | 2000, string>;

async function delivery(id: string, dpid: number, status: string, counts: Record<string, number> | null) {
	const receipt = counts && {
		"Records received": 0,
		"Format Errors": 0,
		"Invalid AAM ID": 0,
		"No Matching AAM ID": 0,
		...counts,
	};
	await env.DB.prepare(
		`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at)
		VALUES (?1, ?2, 'traits', 'sync', 1, '[]', ?3, ?4, ?5)`,
	)
		.bind(id, dpid, status, receipt && JSON.stringify(receipt), Date.now() - 3_600_000)
		.run();
}

async function run(id: string, dpid: number, status: string) {
	const at = Date.now() - 3_600_000;
	await env.DB.prepare(
		`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, started_at)
		VALUES (?1, 1, ?2, 'iter', 'schedule', ?3, 0, ?3, ?4, ?3)`,
	)
		.bind(id, dpid, at, status)
		.run();
}

beforeEach(async () => {
	keys = await seedPartnersWithKeys(1000, 2000);
	await addCounters(env.DB, [
		{ day: today, dpid: 1000, metric: "new_pairs", reason: "", n: 5 },
		{ day: today, dpid: 1000, metric: "refreshed_pairs", reason: "", n: 7 },
		{ day: yesterday, dpid: 2000, metric: "new_pairs", reason: "", n: 3 },
		{ day: today, dpid: 2000, metric: "consent_blocked", reason: "", n: 2 },
		{ day: today, dpid: 0, metric: "bad_input", reason: "unknown dpid N", n: 4 },
		{ day: yesterday, dpid: 0, metric: "bad_input", reason: "dpuuid is empty", n: 1 },
		{ day: longAgo, dpid: 1000, metric: "new_pairs", reason: "", n: 1000 },
	]);
	// 1000: 100 valid records of 110 (10 format errors), 80 matched; plus one still pending.
	await delivery("d1", 1000, "done", { "Records received": 110, "Format Errors": 10, "No Matching AAM ID": 20 });
	await delivery("d2", 1000, "pending", null);
	// 2000: 50 valid of 55 (5 invalid IDs), 25 matched; a rejected file does not count toward the rate.
	await delivery("d3", 2000, "done", { "Records received": 55, "Invalid AAM ID": 5, "No Matching AAM ID": 25 });
	await delivery("d4", 2000, "rejected", { "Records received": 0 });
	await run("1-1", 1000, "sent");
	await run("2-1", 2000, "failed");
});

const get = (path: string, key: string) => call(`/api/v1${path}`, { headers: { Authorization: `Bearer ${key}` } });

describe("/api/v1/stats", () => {
	it("gives the operator every partner's syncs, rejected calls, match rates, deliveries and runs", async () => {
		const res = await get("/stats?days=7", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD");
		expect(res.status).toBe(200);
		const stats = await res.json<Stats>();
		expect(stats.to).toBe(today);
		expect(stats.totals).toEqual({ syncs: 15, newPairs: 8, refreshedPairs: 7, consentBlocked: 2, badInput: 5 });
		expect(stats.days).toContainEqual({
			day: today,
			dpid: 1000,
			syncs: 12,
			newPairs: 5,
			refreshedPairs: 7,
			consentBlocked: 0,
			badInput: 0,
		});
		expect(stats.badInputByReason).toEqual([
			{ reason: "unknown dpid N", count: 4 },
			{ reason: "dpuuid is empty", count: 1 },
		]);
		expect(stats.matchRates).toEqual([
			{ dpid: 1000, deliveries: 1, records: 100, matched: 80, rate: 0.8 },
			{ dpid: 2000, deliveries: 1, records: 50, matched: 25, rate: 0.5 },
		]);
		expect(stats.inbound.byStatus).toEqual({ done: 2, pending: 1, rejected: 1 });
		expect(stats.outbound.byStatus).toEqual({ sent: 1, failed: 1 });
	});

	it("looks back as far as asked: one day is today only", async () => {
		const stats = await (await get("/stats?days=1", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD")).json<Stats>();
		expect(stats.from).toBe(today);
		expect(stats.totals.syncs).toBe(12);
		expect(
			(await (await get("/stats?days=366", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD")).json<Stats>()).totals.syncs,
		).toBe(15);
	});

	it("shows a partner key only that partner's numbers", async () => {
		const stats = await (await get("/stats", keys[2000])).json<Stats>();
		expect(stats.dpid).toBe(2000);
		expect(stats.totals).toEqual({ syncs: 3, newPairs: 3, refreshedPairs: 0, consentBlocked: 2, badInput: 0 });
		expect(stats.days.every((d) => d.dpid === 2000)).toBe(true);
		expect(stats.matchRates.map((m) => m.dpid)).toEqual([2000]);
		expect(stats.inbound.byStatus).toEqual({ done: 1, rejected: 1 });
		expect(stats.outbound.byStatus).toEqual({ failed: 1 });
		expect((await get("/stats?dpid=1000", keys[2000])).status).toBe(404);
		expect((await get("/stats?dpid=2000", keys[2000])).status).toBe(200);
	});

	it("refuses callers without a valid token and bad parameters", async () => {
		expect((await call("/api/v1/stats")).status).toBe(401);
		expect((await get("/stats", "wrong")).status).toBe(401);
		expect((await get("/stats?days=0", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD")).status).toBe(400);
		expect((await get("/stats?days=abc", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD")).status).toBe(400);
	});

	it("is in the OpenAPI document", async () => {
		const doc = await (await call("/api/v1/openapi.json")).json<{ paths: Record<string, unknown> }>();
		expect(Object.keys(doc.paths)).toContain("/stats");
	});
});

// The admin API under attack, route by route: no token, a wrong token, another partner's key, an
// oversized body, and SQL metacharacters in every string field. Never a 500, never another partner's data.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { settledSegmentPut } from "./support/backfill";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";

const ADMIN = "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD";
const SQL = `x'); DROP TABLE partners;-- "y" \\ % _ ; /* */`;

// Every admin route with a valid body where it takes one. Partner-readable routes are marked.
const ROUTES: Array<{ method: string; path: string; body?: unknown; partner?: true }> = [
	{ method: "GET", path: "/partners" },
	{ method: "POST", path: "/partners", body: { dpid: 3000, name: "n" } },
	{ method: "GET", path: "/partners/1000" },
	{ method: "PUT", path: "/partners/1000", body: { name: "n" } },
	{ method: "DELETE", path: "/partners/1000" },
	{ method: "GET", path: "/partners/1000/keys" },
	{ method: "POST", path: "/partners/1000/keys", body: { label: "l" } },
	{ method: "DELETE", path: "/partners/1000/keys/k" },
	{ method: "GET", path: "/traits" },
	{ method: "PUT", path: "/traits/1", body: { dpid: 1000, name: "t" } },
	{ method: "GET", path: "/traits/1" },
	{ method: "DELETE", path: "/traits/1" },
	{ method: "GET", path: "/segments" },
	{ method: "PUT", path: "/segments/1", body: { name: "s", rule: "T1" } },
	{ method: "GET", path: "/segments/1" },
	{ method: "DELETE", path: "/segments/1" },
	{ method: "GET", path: "/destinations" },
	{
		method: "PUT",
		path: "/destinations/1",
		body: { dpid: 1000, name: "d", segments: [1], mode: "full", schedule: "0 3 * * *" },
	},
	{ method: "GET", path: "/destinations/1" },
	{ method: "DELETE", path: "/destinations/1" },
	{ method: "POST", path: "/destinations/1/runs" },
	{ method: "GET", path: "/inbound-files", partner: true },
	{ method: "GET", path: "/inbound-files/ftp_dpm_2000_1790000000.sync", partner: true },
	{ method: "GET", path: "/outbound-runs", partner: true },
	{ method: "GET", path: "/outbound-runs/1-1790000000000", partner: true },
	{ method: "GET", path: `/visitors/${"1".repeat(38)}` },
	{ method: "GET", path: "/partners/1000/ids/x" },
];

let otherKey: string;

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await seedPartner({ dpid: 2000 });
	otherKey = (await createPartnerKey(env.DB, 2000, "other", 0)).secret;
	await env.DB.prepare(
		`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, started_at)
		 VALUES ('1-1790000000000', 1, 1000, 'full', 'manual', 1790000000000, 0, 1, 'sent', 1)`,
	).run();
});

function send(route: (typeof ROUTES)[number], authorization?: string, body = route.body): Promise<Response> {
	const headers: Record<string, string> = { "Content-Type": "application/json" };
	if (authorization) headers.Authorization = authorization;
	return call(`/api/v1${route.path}`, {
		method: route.method,
		headers,
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});
}

describe.each(ROUTES)("$method $path", (route) => {
	it("refuses a request without a token (401) and with a wrong one (401)", async () => {
		expect((await send(route)).status).toBe(401);
		expect((await send(route, "Bearer wrong")).status).toBe(401);
		expect((await send(route, "Basic dGVzdDp0ZXN0")).status).toBe(401);
		expect((await send(route, `${ADMIN}x`)).status).toBe(401);
	});

	it("gives another partner's key nothing of partner 1000", async () => {
		const res = await send(route, `Bearer ${otherKey}`);
		if (!route.partner) expect(res.status).toBe(401);
		else expect(res.status === 200 ? JSON.stringify(await res.json()) : String(res.status)).not.toMatch(/"dpid":1000/);
		expect(res.status).toBeLessThan(500);
	});

	if (route.body !== undefined) {
		it("refuses an oversized body with 413", async () => {
			expect((await send(route, ADMIN, `{"name":"${"x".repeat(70_000)}"}`)).status).toBe(413);
		});
	}
});

describe("SQL metacharacters in every string field", () => {
	it("are refused by validation or stored verbatim, never executed", async () => {
		const partner = await call("/api/v1/partners", {
			method: "POST",
			headers: { Authorization: ADMIN, "Content-Type": "application/json" },
			body: JSON.stringify({ dpid: 3000, name: SQL }),
		});
		expect(partner.status).toBe(201);
		const asAdmin = { Authorization: ADMIN, "Content-Type": "application/json" };
		const put = (path: string, body: unknown) =>
			call(`/api/v1${path}`, { method: "PUT", headers: asAdmin, body: JSON.stringify(body) });
		expect((await put("/traits/7", { dpid: 3000, name: SQL, rule: `ic == "${SQL.replaceAll('"', "")}"` })).status).toBe(
			200,
		);
		expect(await settledSegmentPut(put("/segments/7", { name: SQL, rule: "T7" }))).toBe(200);
		const destination = { dpid: 3000, name: SQL, segments: [7], mode: "iter", schedule: "0 3 * * *" };
		expect((await put("/destinations/7", destination)).status).toBe(200);
		// Fields with a strict shape refuse metacharacters outright.
		for (const [path, body] of [
			["/segments/8", { name: "s", rule: SQL }],
			["/destinations/8", { ...destination, schedule: SQL }],
			["/destinations/8", { ...destination, targets: { https: { url: "https://a.example/", secretBinding: SQL } } }],
			["/partners/3000", { name: "n", integrationCode: SQL }],
		] as const) {
			expect((await put(path, body)).status).toBe(400);
		}
		for (const path of ["/partners/3000", "/traits/7", "/segments/7", "/destinations/7"]) {
			const read = await call(`/api/v1${path}`, { headers: { Authorization: ADMIN } });
			expect(((await read.json()) as { name: string }).name).toBe(SQL);
		}
		const tables = await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'partners'").first();
		expect(tables).toEqual({ n: 1 });
	});
});

describe("API edges", () => {
	const asAdmin = { Authorization: ADMIN, "Content-Type": "application/json" };

	it("refuses unknown fields by name instead of ignoring them", async () => {
		const cases: Array<[string, string, unknown]> = [
			["POST", "/partners", { dpid: 3000, name: "n", redirectHost: ["a.example"] }],
			["PUT", "/traits/7", { dpid: 1000, name: "t", rulez: "x" }],
			["PUT", "/segments/7", { name: "s", rule: "T1", color: "red" }],
			[
				"PUT",
				"/destinations/7",
				{ dpid: 1000, name: "d", segments: [1], mode: "full", schedule: "0 3 * * *", gz: true },
			],
		];
		for (const [method, path, body] of cases) {
			const res = await call(`/api/v1${path}`, { method, headers: asAdmin, body: JSON.stringify(body) });
			expect(res.status).toBe(400);
			expect(JSON.stringify(await res.json())).toMatch(/redirectHost|rulez|color|gz/);
		}
	});

	it("two racing creates of one partner: one 201, one 409", async () => {
		const create = () =>
			call("/api/v1/partners", { method: "POST", headers: asAdmin, body: JSON.stringify({ dpid: 3000, name: "n" }) });
		const statuses = (await Promise.all([create(), create()])).map((r) => r.status).sort();
		expect(statuses).toEqual([201, 409]);
	});

	it("answers unknown API paths with a JSON 404", async () => {
		const res = await call("/api/v1/nothing-here", { headers: { Authorization: ADMIN } });
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: "not found" });
	});
});

describe("deleting what is in use", () => {
	const asAdmin = { Authorization: ADMIN, "Content-Type": "application/json" };
	const put = (path: string, body: unknown) =>
		call(`/api/v1${path}`, { method: "PUT", headers: asAdmin, body: JSON.stringify(body) });
	const del = (path: string) => call(`/api/v1${path}`, { method: "DELETE", headers: asAdmin });

	it("refuses to delete a trait a segment names, or a segment a destination maps (409), until unused", async () => {
		await put("/traits/1", { dpid: 1000, name: "t1" });
		await settledSegmentPut(put("/segments/10", { name: "s", rule: "T1" }));
		await put("/destinations/5", { dpid: 1000, name: "d", segments: [10], mode: "full", schedule: "0 3 * * *" });
		const trait = await del("/traits/1");
		expect(trait.status).toBe(409);
		expect(await trait.json()).toMatchObject({ error: expect.stringContaining("segment(s) 10") });
		const segment = await del("/segments/10");
		expect(segment.status).toBe(409);
		expect(await segment.json()).toMatchObject({ error: expect.stringContaining("destination(s) 5") });
		expect((await del("/destinations/5")).status).toBe(204);
		expect((await del("/segments/10")).status).toBe(204);
		expect((await del("/traits/1")).status).toBe(204);
	});

	it("a deleted trait takes its memberships with it", async () => {
		await put("/traits/1", { dpid: 1000, name: "t1" });
		const graph = pairStoreOf(env);
		const effects = [{ uuid: "u", trait: 1, add: true }];
		await graph.applyTraits({ key: "seed", source: 1000, cleared: [], effects }, [], 1);
		expect((await graph.memberships("u")).traits).toEqual([{ traitId: 1, dpid: 1000 }]);
		expect((await del("/traits/1")).status).toBe(204);
		expect((await graph.memberships("u")).traits).toEqual([]);
	});
});

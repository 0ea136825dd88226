import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requirePartner } from "../../worker/auth/middleware";
import { renderError } from "../../worker/http/errors";
import type { AppEnv } from "../../worker/http/types";
import { call } from "./support/edge";
import { seedPartner, seedPartnersWithKeys } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
	call(`/api/v1${path}`, {
		method,
		headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("partner-key middleware (requirePartner) on its own", () => {
	// A tiny app, as later partner routes use it: the key decides which DPID the handler acts for.
	const app = new Hono<AppEnv>();
	app.get("/mine", requirePartner, (c) => c.json({ dpid: c.get("partnerDpid") }));
	app.onError(renderError);
	const get = (headers: Record<string, string>) => app.request("/mine", { headers }, env);

	it("sets partnerDpid from the key, and tells two partners apart", async () => {
		const keys = await seedPartnersWithKeys(1000, 2000);
		expect(await (await get(bearer(keys[1000]))).json()).toEqual({ dpid: 1000 });
		expect(await (await get(bearer(keys[2000]))).json()).toEqual({ dpid: 2000 });
	});

	it.each([
		["no header", {}],
		["the admin token", ADMIN],
		["a malformed key", bearer("es_short_x")],
		["a key with a tampered secret", null],
		["a key whose id does not exist", bearer(`es_AAAAAAAAAAAA_${"a".repeat(43)}`)],
	])("refuses %s with 401", async (_what, headers) => {
		const keys = await seedPartnersWithKeys(1000);
		const tampered = `${keys[1000].slice(0, -1)}${keys[1000].endsWith("A") ? "B" : "A"}`;
		const res = await get(headers ?? bearer(tampered));
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
	});
});

describe("partner keys through the API", () => {
	it("another partner's key cannot act for this partner; a revoked key is refused everywhere", async () => {
		const keys = await seedPartnersWithKeys(1000, 2000);
		expect((await send("GET", "/inbound-files?dpid=1000", undefined, bearer(keys[2000]))).status).toBe(404);
		expect((await send("GET", "/partners/1000/keys", undefined, bearer(keys[1000]))).status).toBe(401);
		const listed = await (await send("GET", "/partners/2000/keys")).json<{ keys: Array<{ id: string }> }>();
		const id = listed.keys[0]?.id ?? "";
		expect((await send("DELETE", `/partners/2000/keys/${id}`)).status).toBe(204);
		expect((await send("DELETE", `/partners/2000/keys/${id}`)).status).toBe(404);
		expect((await send("GET", "/partner/whoami", undefined, bearer(keys[2000]))).status).toBe(401);
		expect((await send("GET", "/partner/whoami", undefined, bearer(keys[1000]))).status).toBe(200);
	});

	it("a bare POST issues an unlabelled key; a long label is refused, not cut", async () => {
		await seedPartner({ dpid: 1000 });
		const bare = await send("POST", "/partners/1000/keys");
		expect(bare.status).toBe(201);
		expect(await bare.json()).toMatchObject({ label: "", revokedAt: null, secret: expect.stringMatching(/^es_/) });
		expect((await send("POST", "/partners/1000/keys", { label: "x".repeat(101) })).status).toBe(400);
	});

	it("keys of an unknown partner are 404, not an empty list", async () => {
		expect((await send("GET", "/partners/4242/keys")).status).toBe(404);
		expect((await send("POST", "/partners/4242/keys", {})).status).toBe(404);
		expect((await send("DELETE", "/partners/4242/keys/AAAAAAAAAAAA")).status).toBe(404);
	});
});

describe("partner validation edges", () => {
	const base = { dpid: 1000, name: "Acme" };

	it.each(["0x10", "1e3", "01000", "-1", "2147483648", "abc"])("refuses the DPID path segment %s", async (dpid) => {
		await seedPartner({ dpid: 16 });
		await seedPartner({ dpid: 1000 });
		const res = await send("GET", `/partners/${dpid}`);
		expect(res.status).toBe(400);
		expect((await res.json<{ error: string }>()).error).toContain("dpid");
	});

	it.each([
		["*.com"],
		["*"],
		["*.*.acme.example"],
		["acme..example"],
		["-acme.example"],
		["acme.example."],
		[" acme.example"],
		["[::1]"],
	])("refuses the redirect host %j", async (host) => {
		const res = await send("POST", "/partners", { ...base, redirectHosts: [host] });
		expect(res.status).toBe(400);
		expect((await res.json<{ details: string[] }>()).details.join(" ")).toContain("redirectHosts");
	});

	it.each([
		["https://acme.example/a b"],
		["https://acme.example/\nx"],
		[" https://acme.example/"],
		["ftp://acme.example/"],
		["https://"],
		[`https://acme.example/${"x".repeat(2028)}`],
	])("refuses the sync URL %j", async (syncUrl) => {
		expect((await send("POST", "/partners", { ...base, syncUrl })).status).toBe(400);
	});

	it("accepts an edge-local sync path, nulls and the limits", async () => {
		const res = await send("POST", "/partners", {
			...base,
			name: "x".repeat(200),
			syncUrl: "/demo/vendor/sync?uid=${DD_UUID}",
			tcfVendorId: null,
			resyncDays: 3650,
			integrationCode: "a".repeat(64),
			redirectHosts: Array.from({ length: 50 }, (_, i) => `h${i}.acme.example`),
			receiptEmails: Array.from({ length: 20 }, (_, i) => `r${i}@acme.example`),
		});
		expect(res.status).toBe(201);
		expect(
			(await send("POST", "/partners", { ...base, dpid: 2, redirectHosts: Array(51).fill("a.example") })).status,
		).toBe(400);
		expect(
			(await send("POST", "/partners", { ...base, dpid: 2, receiptEmails: Array(21).fill("a@a.example") })).status,
		).toBe(400);
		expect((await send("POST", "/partners", { ...base, dpid: 2, integrationCode: "a".repeat(65) })).status).toBe(400);
		expect((await send("POST", "/partners", { ...base, dpid: 2, integrationCode: "" })).status).toBe(400);
		expect((await send("POST", "/partners", { ...base, dpid: 2, tcfVendorId: 1.5 })).status).toBe(400);
		expect((await send("POST", "/partners", { ...base, dpid: 2, resyncDays: -1 })).status).toBe(400);
	});

	it("PUT validates, and refuses another partner's integration code with 409", async () => {
		await send("POST", "/partners", { ...base, integrationCode: "acme" });
		await send("POST", "/partners", { ...base, dpid: 2000, name: "Other" });
		expect((await send("PUT", "/partners/2000", { name: "Other", integrationCode: "acme" })).status).toBe(409);
		expect((await send("PUT", "/partners/2000", { name: "" })).status).toBe(400);
		expect(await (await send("GET", "/partners/2000")).json()).toMatchObject({ integrationCode: null, name: "Other" });
	});

	it("answers a body that is not JSON with 400 or 415, never 500", async () => {
		const res = await call("/api/v1/partners", { method: "POST", headers: ADMIN, body: "dpid=1" });
		expect([400, 415]).toContain(res.status);
		expect(await res.json()).toHaveProperty("error");
		const arr = await send("POST", "/partners", [base]);
		expect(arr.status).toBe(400);
	});
});

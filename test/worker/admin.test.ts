import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN) =>
	call(`/api/v1${path}`, {
		method,
		headers: { ...headers, "Content-Type": "application/json" },
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	});

const partner = (overrides: Record<string, unknown> = {}) => ({
	dpid: 1000,
	name: "Acme",
	syncUrl: "https://acme.example/sync?u=${DD_UUID}",
	redirectHosts: ["acme.example", "*.cdn.acme.example"],
	tcfVendorId: 42,
	resyncDays: 7,
	inboundIdType: "partner",
	receiptEmails: ["data@acme.example"],
	...overrides,
});

describe("admin authentication", () => {
	it.each([
		["no token", {}],
		["a wrong token", { Authorization: "Bearer test-admin-tokeX" }],
		["a token of another length", { Authorization: "Bearer t" }],
		["a non-bearer scheme", { Authorization: "Basic dGVzdA==" }],
	])("refuses %s with 401 and WWW-Authenticate", async (_what, headers) => {
		const res = await send("GET", "/partners", undefined, headers);
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
		expect(await res.json()).toHaveProperty("error");
	});
});

describe("partners", () => {
	it("create, read, list, replace and delete", async () => {
		const created = await send("POST", "/partners", partner());
		expect(created.status).toBe(201);
		expect(await created.json()).toMatchObject({ ...partner(), integrationCode: null, createdAt: expect.any(Number) });
		expect((await send("POST", "/partners", partner())).status).toBe(409);
		expect(await (await send("GET", "/partners/1000")).json()).toMatchObject({ name: "Acme" });
		const replaced = await send("PUT", "/partners/1000", { ...partner(), dpid: undefined, name: "Acme 2" });
		expect(await replaced.json()).toMatchObject({
			dpid: 1000,
			name: "Acme 2",
			redirectHosts: ["acme.example", "*.cdn.acme.example"],
		});
		expect((await (await send("GET", "/partners")).json<{ partners: unknown[] }>()).partners).toHaveLength(1);
		expect((await send("DELETE", "/partners/1000")).status).toBe(204);
		expect((await send("GET", "/partners/1000")).status).toBe(404);
		expect((await send("DELETE", "/partners/1000")).status).toBe(404);
	});

	it("a change is seen by /ibs at once", async () => {
		await send("POST", "/partners", partner());
		expect((await call("/ibs:dpid=1000&dpuuid=a")).status).toBe(200);
		await send("DELETE", "/partners/1000");
		expect((await call("/ibs:dpid=1000&dpuuid=a")).headers.get("X-Error")).toBe("300,104");
	});

	it.each([
		["dpid", { dpid: 0 }],
		["dpid", { dpid: 2 ** 31 }],
		["dpid", { dpid: "1000" }],
		["name", { name: "" }],
		["name", { name: "x".repeat(201) }],
		["integrationCode", { integrationCode: "has space" }],
		["syncUrl", { syncUrl: "javascript:alert(1)" }],
		["syncUrl", { syncUrl: "//evil.example/x" }],
		["syncUrl", { syncUrl: "https://user:pw@acme.example/" }],
		["redirectHosts", { redirectHosts: ["evil.com/path"] }],
		["redirectHosts", { redirectHosts: ["https://acme.example"] }],
		["redirectHosts", { redirectHosts: ["user@acme.example"] }],
		["redirectHosts", { redirectHosts: ["acme.example:8443"] }],
		["redirectHosts", { redirectHosts: ["ACME.example"] }],
		["redirectHosts", { redirectHosts: ["*"] }],
		["tcfVendorId", { tcfVendorId: -1 }],
		["resyncDays", { resyncDays: 4000 }],
		["inboundIdType", { inboundIdType: "email" }],
		["receiptEmails", { receiptEmails: ["not-an-address"] }],
	])("refuses a bad %s with 400 naming the field", async (field, bad) => {
		const res = await send("POST", "/partners", partner(bad));
		expect(res.status).toBe(400);
		const body = await res.json<{ error: string; details: string[] }>();
		expect(body.details.join(" ")).toContain(field);
		expect((await send("GET", "/partners")).status).toBe(200);
		expect((await (await send("GET", "/partners")).json<{ partners: unknown[] }>()).partners).toEqual([]);
	});

	it("stores SQL metacharacters verbatim", async () => {
		const name = `Robert'); DROP TABLE partners;-- "x" \\ %`;
		const receiptEmails = ["o'brien@acme.example"];
		expect((await send("POST", "/partners", partner({ name, receiptEmails }))).status).toBe(201);
		expect(await (await send("GET", "/partners/1000")).json()).toMatchObject({ name, receiptEmails });
		expect((await send("POST", "/partners", partner({ dpid: 2000, integrationCode: "a'b" }))).status).toBe(400);
	});

	it("refuses a taken integration code with 409", async () => {
		await send("POST", "/partners", partner({ integrationCode: "acme" }));
		expect((await send("POST", "/partners", partner({ dpid: 2000, integrationCode: "acme" }))).status).toBe(409);
	});

	it("refuses malformed JSON with 400 and oversized bodies with 413", async () => {
		expect((await send("POST", "/partners", "{nope")).status).toBe(400);
		const huge = await send("POST", "/partners", partner({ name: "x".repeat(70_000) }));
		expect(huge.status).toBe(413);
	});
});

describe("partner keys", () => {
	it("are shown once, listed without secrets, accepted, and refused once revoked", async () => {
		await seedPartner({ dpid: 1000 });
		const created = await send("POST", "/partners/1000/keys", { label: "uploads" });
		expect(created.status).toBe(201);
		const key = await created.json<{ id: string; secret: string }>();
		expect(key.secret).toMatch(/^es_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
		const listed = await (await send("GET", "/partners/1000/keys")).text();
		expect(listed).not.toContain(key.secret.slice(16));
		expect(listed).toContain(key.id);
		const { results } = await env.DB.prepare("SELECT secret_sha256 FROM partner_keys").all<{ secret_sha256: string }>();
		expect(results[0]?.secret_sha256).toMatch(/^[0-9a-f]{64}$/);

		const whoami = await send("GET", "/partner/whoami", undefined, { Authorization: `Bearer ${key.secret}` });
		expect(await whoami.json()).toEqual({
			dpid: 1000,
			prefix: "1000/",
			inbound: "1000/inbound/",
			outbound: "1000/outbound/",
			receipts: "1000/receipts/",
			grantedSources: [],
		});
		expect((await send("DELETE", `/partners/1000/keys/${key.id}`)).status).toBe(204);
		expect((await send("GET", "/partner/whoami", undefined, { Authorization: `Bearer ${key.secret}` })).status).toBe(
			401,
		);
	});

	it("a partner key is no admin token", async () => {
		await seedPartner({ dpid: 1000 });
		const { secret } = await (await send("POST", "/partners/1000/keys", {})).json<{ secret: string }>();
		expect((await send("GET", "/partners", undefined, { Authorization: `Bearer ${secret}` })).status).toBe(401);
	});
});

describe("traits", () => {
	it("create with a key-value rule, list by source, delete", async () => {
		await seedPartner({ dpid: 1000 });
		const res = await send("PUT", "/traits/52", { dpid: 1000, name: "ic 52", rule: 'ic == "52"' });
		expect(res.status).toBe(200);
		expect(await (await send("GET", "/traits?dpid=1000")).json()).toMatchObject({
			traits: [{ id: 52, rule: 'ic == "52"', exactMatch: false }],
		});
		const exact = await send("PUT", "/traits/53", { dpid: 1000, name: "exact", rule: 'c == "Red"', exactMatch: true });
		expect(await exact.json()).toMatchObject({ id: 53, exactMatch: true });
		// Renamed without the field: the stored setting stays (an old exact trait stays exact through an edit).
		const renamed = await send("PUT", "/traits/53", { dpid: 1000, name: "renamed", rule: 'c == "Red"' });
		expect(await renamed.json()).toMatchObject({ id: 53, name: "renamed", exactMatch: true });
		expect((await send("DELETE", "/traits/52")).status).toBe(204);
	});

	it("refuses a rule that does not parse, saying where", async () => {
		await seedPartner({ dpid: 1000 });
		const res = await send("PUT", "/traits/52", { dpid: 1000, name: "bad", rule: 'ic == "52" AND' });
		expect(res.status).toBe(400);
		expect((await res.json<{ error: string }>()).error).toMatch(/rule: expected a comparison after AND\/OR/);
		expect((await send("PUT", "/traits/53", { dpid: 9999, name: "orphan", rule: null })).status).toBe(400);
	});
});

describe("OpenAPI", () => {
	it("documents every admin path and serves the docs UI", async () => {
		const doc = await (await call("/api/v1/openapi.json")).json<{ openapi: string; paths: Record<string, unknown> }>();
		expect(doc.openapi).toBe("3.1.0");
		expect(Object.keys(doc.paths).sort()).toEqual([
			"/destination-preview",
			"/destination-preview/{id}",
			"/destinations",
			"/destinations/{id}",
			"/destinations/{id}/runs",
			"/exchange/migrate-layout",
			"/grants",
			"/graph/copies",
			"/graph/copies/{id}",
			"/inbound-files",
			"/inbound-files/{id}",
			"/outbound-runs",
			"/outbound-runs/{id}",
			"/partner/whoami",
			"/partners",
			"/partners/{dpid}",
			"/partners/{dpid}/grants",
			"/partners/{dpid}/grants/{sourceDpid}",
			"/partners/{dpid}/ids/{dpuuid}",
			"/partners/{dpid}/keys",
			"/partners/{dpid}/keys/{keyId}",
			"/segments",
			"/segments/{id}",
			"/stats",
			"/traits",
			"/traits/{id}",
			"/visitors/{uuid}",
		]);
		const docs = await call("/api/docs");
		expect(docs.headers.get("Content-Type")).toMatch(/text\/html/);
		expect(await docs.text()).toContain('<script src="/api/docs/swagger-ui-bundle.js">');
		expect(await (await call("/api/docs/init.js")).text()).toContain("/api/v1/openapi.json");
	});
});

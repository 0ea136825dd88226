// Access mappings: the operator's admin API and dashboard forms, and what a partner is shown of its
// own prefix and grants.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, EDGE } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";

const ADMIN = "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD";
const asAdmin = { Authorization: `Bearer ${ADMIN}` };
let keys: Record<1000 | 2000 | 3000, string>;

beforeEach(async () => {
	keys = await seedPartnersWithKeys(1000, 2000, 3000);
});

const api = (method: string, path: string, auth = asAdmin) => call(`/api/v1${path}`, { method, headers: auth });

describe("access mappings in the admin API", () => {
	it("grants, lists and revokes a source; granting again is a no-op", async () => {
		const created = await api("PUT", "/partners/1000/grants/2000");
		expect(created.status).toBe(201);
		expect(await created.json()).toEqual({ dpid: 1000, sourceDpid: 2000, createdAt: expect.any(Number) });
		expect((await api("PUT", "/partners/1000/grants/2000")).status).toBe(200);
		expect((await api("PUT", "/partners/3000/grants/2000")).status).toBe(201);
		const all = await (await api("GET", "/grants")).json();
		expect(all).toEqual({
			grants: [
				{ dpid: 1000, sourceDpid: 2000, createdAt: expect.any(Number) },
				{ dpid: 3000, sourceDpid: 2000, createdAt: expect.any(Number) },
			],
		});
		const own = (await (await api("GET", "/partners/1000/grants")).json()) as { grants: unknown[] };
		expect(own.grants).toHaveLength(1);
		expect((await api("DELETE", "/partners/1000/grants/2000")).status).toBe(204);
		expect((await api("DELETE", "/partners/1000/grants/2000")).status).toBe(404);
		expect(await env.DB.prepare("SELECT dpid, source_dpid FROM source_grants").all()).toMatchObject({
			results: [{ dpid: 3000, source_dpid: 2000 }],
		});
	});

	it("refuses unknown partners (404), a partner's own DPID (400) and malformed DPIDs (400)", async () => {
		expect((await api("PUT", "/partners/1000/grants/9999")).status).toBe(404);
		expect((await api("PUT", "/partners/9999/grants/1000")).status).toBe(404);
		expect((await api("PUT", "/partners/1000/grants/1000")).status).toBe(400);
		expect((await api("PUT", "/partners/1000/grants/0x10")).status).toBe(400);
		expect((await api("GET", "/partners/9999/grants")).status).toBe(404);
	});

	it("is for the operator only: a partner key gets 401, whatever it asks for", async () => {
		const partner = { Authorization: `Bearer ${keys[1000]}` };
		for (const [method, path] of [
			["GET", "/grants"],
			["PUT", "/partners/1000/grants/2000"],
			["GET", "/partners/1000/grants"],
			["DELETE", "/partners/1000/grants/2000"],
		] as const) {
			expect((await api(method, path, partner)).status).toBe(401);
		}
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 0 });
	});

	it("deleting a partner deletes the grants it holds and the grants of its data source", async () => {
		await api("PUT", "/partners/1000/grants/2000");
		await api("PUT", "/partners/2000/grants/3000");
		expect((await api("DELETE", "/partners/2000")).status).toBe(204);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 0 });
	});

	it("is in the OpenAPI document", async () => {
		const doc = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining([
				"/grants",
				"/partners/{dpid}/grants",
				"/partners/{dpid}/grants/{sourceDpid}",
				"/exchange/migrate-layout",
			]),
		);
	});

	it("whoami shows a partner its prefixes and the sources it may name", async () => {
		await api("PUT", "/partners/1000/grants/3000");
		const res = await api("GET", "/partner/whoami", { Authorization: `Bearer ${keys[1000]}` });
		expect(await res.json()).toEqual({
			dpid: 1000,
			prefix: "1000/",
			inbound: "1000/inbound/",
			outbound: "1000/outbound/",
			receipts: "1000/receipts/",
			grantedSources: [3000],
		});
	});
});

/** A form post as the browser sends it from the dashboard's own pages. */
function post(path: string, form: Record<string, string>, cookie: string) {
	return call(path, {
		method: "POST",
		body: new URLSearchParams(form),
		headers: { Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded" },
		cookie,
	});
}

async function login(token: string) {
	const res = await post("/admin/login", { token }, "");
	const cookie =
		res.headers
			.getSetCookie()
			.find((c) => c.startsWith("es_session="))
			?.split(";")[0] ?? "";
	const html = await (await call("/admin", { cookie })).text();
	return { cookie, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "" };
}

describe("access mappings and prefixes on the dashboard", () => {
	it("shows the operator every partner's prefix, and adds and removes grants with the page's form token", async () => {
		const operator = await login(ADMIN);
		expect(operator.html).toMatch(/<tr data-dpid="2000">.*<code>2000\/<\/code>/s);
		expect(operator.html).toContain("No access mappings");

		const added = await post(
			"/admin/grants",
			{ _csrf: operator.csrf, dpid: "1000", sourceDpid: "2000" },
			operator.cookie,
		);
		expect(added.status).toBe(303);
		expect(added.headers.get("Location")).toBe("/admin#grants");
		const page = await (await call("/admin", { cookie: operator.cookie })).text();
		expect(page).toContain('<tr data-grant="1000-2000">');
		expect(page).toMatch(/<tr data-dpid="1000">.*<td>2000<\/td><\/tr>/s);

		const removed = await post(
			"/admin/grants/remove",
			{ _csrf: operator.csrf, dpid: "1000", sourceDpid: "2000" },
			operator.cookie,
		);
		expect(removed.status).toBe(303);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 0 });
	});

	it("refuses a forged form token, bad DPIDs and unknown partners, changing nothing", async () => {
		const { cookie, csrf } = await login(ADMIN);
		expect((await post("/admin/grants", { _csrf: "forged", dpid: "1000", sourceDpid: "2000" }, cookie)).status).toBe(
			403,
		);
		const bad = await post("/admin/grants", { _csrf: csrf, dpid: "1000", sourceDpid: "1e3" }, cookie);
		expect(bad.status).toBe(400);
		const unknown = await post("/admin/grants", { _csrf: csrf, dpid: "1000", sourceDpid: "9999" }, cookie);
		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toBe("no such partner: 9999");
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 0 });
	});

	it("shows a partner its own prefix and grants, and answers its grant forms like an unknown page", async () => {
		await api("PUT", "/partners/1000/grants/3000");
		const partner = await login(keys[1000]);
		expect(partner.html).toContain("<code>1000/inbound/</code>");
		expect(partner.html).toContain("<code>1000/outbound/</code>");
		expect(partner.html).toContain("<code>1000/receipts/</code>");
		expect(partner.html).toContain("Your files may name data sources 1000, 3000");
		expect(partner.html).not.toContain("2000/");
		expect(partner.html).not.toContain('action="/admin/grants"');
		const forged = await post(
			"/admin/grants",
			{ _csrf: partner.csrf, dpid: "1000", sourceDpid: "2000" },
			partner.cookie,
		);
		expect(forged.status).toBe(404);
		expect(await forged.text()).toContain("There is no such delivery or run");
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 1 });
	});
});

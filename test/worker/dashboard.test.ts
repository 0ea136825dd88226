// The /admin dashboard inside workerd: login with the admin token or a partner key, the session cookie,
// CSRF defences, what the operator and a partner each see, and the static assets.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { revokePartnerKey } from "../../worker/auth/store";
import type { ChartData } from "../../worker/dashboard/chart-data";
import { pruneDashboardSessions } from "../../worker/dashboard/store";
import { addCounters } from "../../worker/stats/aggregate";
import { call, callWith, EDGE } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";

const ADMIN = "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD";
let keys: Record<1000 | 2000, string>;

async function delivery(id: string, dpid: number) {
	const receipt = {
		Delivery: id,
		Status: "done",
		"Records received": 10,
		"Format Errors": 1,
		"Invalid AAM ID": 0,
		"No Matching AAM ID": 3,
		"Sample lines": { noMatchingId: [`line 2: nobody-${dpid}\td_sid=1`] },
	};
	await env.DB.prepare(
		`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at)
		VALUES (?1, ?2, 'traits', 'sync', 1, '[]', 'done', ?3, ?4)`,
	)
		.bind(id, dpid, JSON.stringify(receipt), Date.now())
		.run();
}

beforeEach(async () => {
	keys = await seedPartnersWithKeys(1000, 2000);
	await delivery("ftp_dpm_1000_1790000000.sync", 1000);
	await delivery("ftp_dpm_2000_1790000000.sync", 2000);
	const today = new Date().toISOString().slice(0, 10);
	await addCounters(env.DB, [
		{ day: today, dpid: 1000, metric: "new_pairs", reason: "", n: 4 },
		{ day: today, dpid: 2000, metric: "refreshed_pairs", reason: "", n: 6 },
		{ day: today, dpid: 0, metric: "bad_input", reason: "unknown dpid N", n: 2 },
	]);
});

/** A form post as the browser sends it from the dashboard's own pages. */
function post(path: string, form: Record<string, string>, init: { cookie?: string; origin?: string } = {}) {
	return call(path, {
		method: "POST",
		body: new URLSearchParams(form),
		headers: { Origin: init.origin ?? EDGE, "Content-Type": "application/x-www-form-urlencoded" },
		cookie: init.cookie,
	});
}

async function login(token: string): Promise<string> {
	const res = await post("/admin/login", { token });
	expect(res.status).toBe(303);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith("es_session="));
	return cookie?.split(";")[0] ?? "";
}

/** HMAC-SHA256 of `text` with `secret`, base64url: what the edge's session MAC should be. */
async function macOf(secret: string, text: string): Promise<string> {
	const enc = new TextEncoder();
	const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)));
	return btoa(String.fromCharCode(...sig))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

const sessionCount = async () =>
	(await env.DB.prepare("SELECT count(*) AS n FROM dashboard_sessions").first<{ n: number }>())?.n;

const page = async (path: string, cookie: string) => {
	const res = await call(path, { cookie });
	return { status: res.status, html: await res.text(), res };
};
const chartOf = (html: string) =>
	JSON.parse(
		/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "null",
	) as ChartData;

describe("dashboard login", () => {
	it("sends visitors without a session to the login form", async () => {
		const res = await call("/admin");
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/admin/login");
		const form = await call("/admin/login");
		expect(form.status).toBe(200);
		expect(await form.text()).toContain('<form class="login" method="post" action="/admin/login">');
		expect(form.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
	});

	it("sets a Secure, HttpOnly, SameSite=Strict session cookie for the admin token, never the token itself", async () => {
		const res = await post("/admin/login", { token: ADMIN });
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/admin");
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith("es_session=")) ?? "";
		expect(cookie).toMatch(/; Path=\/admin/);
		expect(cookie).toMatch(/; Secure/);
		expect(cookie).toMatch(/; HttpOnly/);
		expect(cookie).toMatch(/; SameSite=Strict/);
		expect(cookie).toMatch(/; Max-Age=28800(;|$)/); // 8 hours
		expect(cookie).not.toContain(ADMIN);
	});

	it("refuses a wrong token or a revoked key with 401 and no cookie", async () => {
		for (const token of ["wrong", `${ADMIN}x`, "es_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"]) {
			const res = await post("/admin/login", { token });
			expect(res.status).toBe(401);
			expect(await res.text()).toContain("Wrong token or API key.");
			expect(res.headers.getSetCookie()).toEqual([]);
		}
	});

	it("refuses a login form posted from another site", async () => {
		expect((await post("/admin/login", { token: ADMIN }, { origin: "https://evil.example" })).status).toBe(403);
	});

	it("is no key to the admin API: the session cookie alone gets 401 there", async () => {
		const cookie = await login(ADMIN);
		const res = await call("/api/v1/partners", { cookie });
		expect(res.status).toBe(401);
		expect(res.headers.getSetCookie()).toEqual([]);
	});

	it("goes by Sec-Fetch-Site when a browser sends no Origin: cross-site is refused, same-origin is not", async () => {
		const form = (site: string) =>
			call("/admin/login", {
				method: "POST",
				body: new URLSearchParams({ token: ADMIN }),
				headers: { "Sec-Fetch-Site": site, "Content-Type": "application/x-www-form-urlencoded" },
			});
		expect((await form("cross-site")).status).toBe(403);
		expect((await form("same-site")).status).toBe(403);
		expect((await form("same-origin")).status).toBe(303);
	});

	it("refuses a login body over 64 KB with 413 before reading it, and sets no cookie", async () => {
		const res = await post("/admin/login", { token: ADMIN, padding: "x".repeat(70_000) });
		expect(res.status).toBe(413);
		expect(await res.text()).toContain("body larger than 65536 bytes");
		expect(res.headers.getSetCookie()).toEqual([]);
	});

	it("ignores a forged or altered session cookie", async () => {
		const cookie = await login(ADMIN);
		const [id = "", sig = ""] = cookie.slice("es_session=".length).split(".");
		const otherId = "A".repeat(43);
		for (const bad of [
			`es_session=${otherId}.${sig}`,
			`es_session=${id}.${sig.slice(1)}A`,
			`es_session=${id}`,
			"es_session=junk",
		]) {
			expect((await call("/admin", { cookie: bad })).status).toBe(303);
		}
		expect((await call("/admin", { cookie })).status).toBe(200);
	});

	it("signs the cookie with SESSION_SECRET, not with a key derived from ADMIN_TOKEN", async () => {
		const cookie = await login(ADMIN);
		const [id = "", sig = ""] = cookie.slice("es_session=".length).split(".");
		expect(sig).toBe(await macOf(env.SESSION_SECRET, `session\0${id}`));
		// Another SESSION_SECRET refuses the cookie; the same ADMIN_TOKEN does not help.
		const otherSecret = await callWith({ SESSION_SECRET: "another-session-secret-6Yp2Wm8Qx4Rz1Tn7Kv3Bd" }, "/admin", {
			cookie,
		});
		expect(otherSecret.status).toBe(303);
	});

	it("keeps sessions on the server: a well-signed id with no live session row is refused", async () => {
		const id = "B".repeat(43);
		const forged = `es_session=${id}.${await macOf(env.SESSION_SECRET, `session\0${id}`)}`;
		expect((await call("/admin", { cookie: forged })).status).toBe(303);
	});
	it("logs out only with the page's form token (CSRF)", async () => {
		const cookie = await login(ADMIN);
		const { html } = await page("/admin", cookie);
		const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
		expect(token).not.toBe("");
		expect((await post("/admin/logout", { _csrf: "forged" }, { cookie })).status).toBe(403);
		expect((await post("/admin/logout", { _csrf: token }, { cookie, origin: "https://evil.example" })).status).toBe(
			403,
		);
		const out = await post("/admin/logout", { _csrf: token }, { cookie });
		expect(out.status).toBe(303);
		expect(out.headers.getSetCookie().join()).toMatch(/es_session=;.*Max-Age=0/);
	});

	it("ends the session on the server at logout: a copy of the cookie taken before is refused after", async () => {
		const cookie = await login(ADMIN);
		const copied = cookie;
		const other = await login(ADMIN);
		const { html } = await page("/admin", cookie);
		const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
		expect((await post("/admin/logout", { _csrf: token }, { cookie })).status).toBe(303);
		const replayed = await call("/admin", { cookie: copied });
		expect(replayed.status).toBe(303);
		expect(replayed.headers.get("Location")).toBe("/admin/login");
		expect((await call("/admin/inbound/ftp_dpm_1000_1790000000.sync", { cookie: copied })).status).toBe(303);
		// Only that session ended: another login of the same operator goes on.
		expect((await page("/admin", other)).status).toBe(200);
		expect(await sessionCount()).toBe(1);
	});

	it("refuses an expired session, and the next login deletes expired rows", async () => {
		const cookie = await login(ADMIN);
		await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ?1")
			.bind(Date.now() - 1)
			.run();
		expect((await call("/admin", { cookie })).status).toBe(303);
		await login(ADMIN);
		expect(await sessionCount()).toBe(1);
		await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ?1")
			.bind(Date.now() - 1)
			.run();
		await pruneDashboardSessions(env.DB, Date.now());
		expect(await sessionCount()).toBe(0);
	});

	it("ends operator sessions when ADMIN_TOKEN is rotated, not partner sessions", async () => {
		const operator = await login(ADMIN);
		const partner = await login(keys[1000]);
		const rotated = { ADMIN_TOKEN: "rotated-admin-token-3Fk9Lm2Qw7Zx5Vb8Nc1Rt4" };
		expect((await callWith(rotated, "/admin", { cookie: operator })).status).toBe(303);
		expect((await callWith(rotated, "/admin", { cookie: partner })).status).toBe(200);
	});
});

describe("what the operator and a partner see", () => {
	it("shows the operator every partner, the counts, chart data and bad input", async () => {
		const { status, html, res } = await page("/admin", await login(ADMIN));
		expect(status).toBe(200);
		expect(res.headers.get("Cache-Control")).toBe("no-store");
		expect(html).toContain("ftp_dpm_1000_1790000000.sync");
		expect(html).toContain("ftp_dpm_2000_1790000000.sync");
		expect(html).toContain("unknown dpid N");
		expect(html).toMatch(/<td>Partner 2000<\/td>/);
		const chart = chartOf(html);
		expect(chart.x).toHaveLength(14);
		expect(chart.syncs.map((s) => s.label)).toEqual(["1000 Partner 1000", "2000 Partner 2000"]);
		expect(chart.syncs[1]?.values.at(-1)).toBe(6);
		expect(chart.pairs.map((s) => s.values.at(-1))).toEqual([4, 6]);
	});

	it("opens a receipt with its fields and error samples", async () => {
		const { status, html } = await page("/admin/inbound/ftp_dpm_1000_1790000000.sync", await login(ADMIN));
		expect(status).toBe(200);
		expect(html).toMatch(/<th scope="row">No Matching AAM ID<\/th><td class="num">3<\/td>/);
		expect(html).toContain("line 2: nobody-1000");
	});

	it("shows a partner only its own deliveries, numbers and settings", async () => {
		const cookie = await login(keys[1000]);
		const { html } = await page("/admin", cookie);
		expect(html).toContain("partner 1000");
		expect(html).toContain("ftp_dpm_1000_1790000000.sync");
		expect(html).not.toContain("ftp_dpm_2000");
		expect(html).not.toContain("Partner 2000");
		expect(html).not.toContain("unknown dpid N");
		expect(chartOf(html).syncs.map((s) => s.label)).toEqual(["1000 Partner 1000"]);
		expect((await page("/admin/inbound/ftp_dpm_1000_1790000000.sync", cookie)).status).toBe(200);
		const other = await page("/admin/inbound/ftp_dpm_2000_1790000000.sync", cookie);
		expect(other.status).toBe(404);
		expect(other.html).not.toContain("nobody-2000");
	});

	it("opens an outbound run with its files, MD5s and each target's outcome, for its own partner only", async () => {
		const files = [
			{ name: "R2_1_1000_iter_1790000000000.sync.gz", sequence: 1, bytes: 99, lines: 7, md5: "ab".repeat(16) },
		];
		// Outcomes as recorded before migration 0010, when a target that took every file said "delivered".
		const outcomes = {
			r2: { status: "delivered", target: "outbound/1000/", files: 2 },
			https: { status: "failed", target: "https", files: 0, error: "HTTP 500" },
		};
		await env.DB.prepare(
			`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, files, lines, bytes, outcomes, error, started_at, finished_at)
			 VALUES ('1-1790000000000', 1, 1000, 'iter', 'schedule', 1790000000000, 1789990000000, 1789999940000, 'failed', ?1, 7, 99, ?2, 'https: HTTP 500', 1790000000000, 1790000002000)`,
		)
			.bind(JSON.stringify(files), JSON.stringify(outcomes))
			.run();
		const overview = await page("/admin", await login(ADMIN));
		expect(overview.html).toContain('href="/admin/runs/1-1790000000000"');
		const { status, html } = await page("/admin/runs/1-1790000000000", await login(ADMIN));
		expect(status).toBe(200);
		expect(html).toContain("R2_1_1000_iter_1790000000000.sync.gz");
		expect(html).toContain("ab".repeat(16));
		expect(html).toContain("HTTP 500");
		expect(html).toContain("took 2.0 s");
		expect(html).toContain('<span class="status status-sent">sent</span>');
		expect(html).not.toContain("delivered");
		expect((await page("/admin/runs/1-1790000000000", await login(keys[1000]))).status).toBe(200);
		expect((await page("/admin/runs/1-1790000000000", await login(keys[2000]))).status).toBe(404);
		expect((await page("/admin/runs/nonsense", await login(ADMIN))).status).toBe(404);
	});

	it("ends a partner's session when its key is revoked", async () => {
		const cookie = await login(keys[1000]);
		const keyId = /^es_([A-Za-z0-9]{12})_/.exec(keys[1000])?.[1] ?? "";
		await revokePartnerKey(env.DB, 1000, keyId, Date.now());
		const res = await call("/admin", { cookie });
		expect(res.status).toBe(303);
		expect(res.headers.get("Location")).toBe("/admin/login");
	});
});

describe("dashboard assets", () => {
	it("serves uPlot and the dashboard's script and style from the Worker itself", async () => {
		const js = await call("/admin/assets/uplot.js");
		expect(js.headers.get("Content-Type")).toMatch(/^text\/javascript/);
		expect(await js.text()).toContain("uPlot");
		expect((await call("/admin/assets/dashboard.js")).status).toBe(200);
		expect((await call("/admin/assets/uplot.css")).headers.get("Content-Type")).toMatch(/^text\/css/);
		expect((await call("/admin/assets/constructor")).status).toBe(404);
	});
});

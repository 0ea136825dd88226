// The /admin dashboard in real Chromium against `wrangler dev`: log in, charts drawn from a seeded
// history, a receipt, a wrong token, logout, a partner key limited to its own data, a phone-size screen, and
// live counters going /ibs → queue → consumer → D1; the API docs rendered under their CSP. Screenshots go to
// test-results/dashboard/ (ignored).
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../scripts/lib/wait.ts";
import { DEMO_SEED, DEV_SECRETS, type Edge, startEdge, stopEdges } from "../../scripts/lib/wrangler-dev.ts";
import { launchChromium } from "./support/browser.js";

const ADMIN = DEV_SECRETS.ADMIN_TOKEN;
const SHOTS = path.join(import.meta.dirname, "..", "..", "test-results", "dashboard");
const DAY = 86_400_000;
/** Partner keys in the stored format (es_<id>_<secret>, SHA-256 of the secret in D1). */
const KEYS = { 2000: key("AcmeKey00001"), 3000: key("GlobexKey001") };
const SAMPLE = "line 7: acme-user-7\td_sid=52";

function key(id: string) {
	const secret = createHash("sha256").update(id).digest("base64url"); // 43 URL-safe characters
	return { id, secret, full: `es_${id}_${secret}`, hash: createHash("sha256").update(secret).digest("hex") };
}

/** Two more partners, 14 days of counters, receipts (one with error samples) and outbound runs. */
function historySql(now: number): string {
	const sql: string[] = [];
	for (const [dpid, name, host] of [
		[2000, "Acme Data", "acme.example"],
		[3000, "Globex", "globex.example"],
	] as const) {
		sql.push(`INSERT INTO partners (dpid, name, sync_url, redirect_hosts, created_at, updated_at) VALUES
			(${dpid}, '${name}', 'https://${host}/sync?u=\${DD_UUID}', '["${host}"]', 0, 0)`);
		const k = KEYS[dpid];
		sql.push(
			`INSERT INTO partner_keys (id, dpid, secret_sha256, label, created_at) VALUES ('${k.id}', ${dpid}, '${k.hash}', 'e2e', 0)`,
		);
	}
	for (let d = 0; d < 14; d++) {
		const day = new Date(now - d * DAY).toISOString().slice(0, 10);
		for (const [dpid, base] of [
			[1000, 40],
			[2000, 120],
			[3000, 70],
		] as const) {
			const n = base + ((d * 37 + dpid / 100) % 50);
			sql.push(`INSERT INTO sync_counters VALUES ('${day}', ${dpid}, 'new_pairs', '', ${Math.round(n / 3)})`);
			sql.push(`INSERT INTO sync_counters VALUES ('${day}', ${dpid}, 'refreshed_pairs', '', ${n})`);
		}
		sql.push(`INSERT INTO sync_counters VALUES ('${day}', 0, 'bad_input', 'unknown dpid N', ${3 + (d % 4)})`);
		sql.push(`INSERT INTO sync_counters VALUES ('${day}', 2000, 'consent_blocked', '', ${5 + (d % 3)})`);
	}
	const receipt = (id: string, received: number, unmatched: number, samples: Record<string, string[]>) =>
		JSON.stringify({
			Delivery: id,
			Status: "done",
			"File name": [id],
			"Records received": received,
			"Format Errors": 2,
			"Invalid AAM ID": 1,
			"No Matching AAM ID": unmatched,
			"Sample lines": samples,
		}).replace(/'/g, "''");
	const deliveries: Array<[string, number, string, string | null]> = [
		[
			"ftp_dpm_2000_1790000000.sync",
			2000,
			"done",
			receipt("ftp_dpm_2000_1790000000.sync", 1203, 240, { noMatchingId: [SAMPLE] }),
		],
		[
			"ftp_dpm_3000_1790000100.overwrite.gz",
			3000,
			"done",
			receipt("ftp_dpm_3000_1790000100.overwrite.gz", 803, 400, {}),
		],
		["ftp_dpm_3000_1790000200.sync", 3000, "running", null],
	];
	deliveries.forEach(([id, dpid, status, r], i) => {
		sql.push(`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at)
			VALUES ('${id}', ${dpid}, 'traits', 'sync', 1, '[]', '${status}', ${r ? `'${r}'` : "NULL"}, ${now - (i + 1) * 3_600_000})`);
	});
	for (const [id, dpid, status, error] of [
		["1-1790000000000", 2000, "sent", null],
		["2-1790000000000", 3000, "failed", "'https: 503 after 3 tries'"],
	]) {
		sql.push(`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, lines, error, started_at, finished_at)
			VALUES ('${id}', ${String(id).split("-")[0]}, ${dpid}, 'iter', 'schedule', ${now}, 0, ${now}, '${status}', 5400, ${error ?? "NULL"}, ${now - 600_000}, ${now - 590_000})`);
	}
	return sql.join(";\n");
}

let browser: Browser;
let edge: Edge;
let context: BrowserContext;

beforeAll(async () => {
	await mkdir(SHOTS, { recursive: true });
	browser = await launchChromium();
	edge = await startEdge({ seed: { file: DEMO_SEED }, vars: { DEMO: "true" } });
	await edge.query(historySql(Date.now()));
});
afterAll(async () => {
	await browser?.close();
	await stopEdges();
});
afterEach(async () => {
	await context?.close();
});

async function logIn(token: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
	context = await browser.newContext({ viewport });
	const page = await context.newPage();
	await page.goto(`${edge.origin}/admin`);
	expect(new URL(page.url()).pathname).toBe("/admin/login");
	await page.fill("#token", token);
	await Promise.all([
		page.waitForResponse((r) => r.url().endsWith("/admin/login") && r.request().method() === "POST"),
		page.click("button[type=submit]"),
	]);
	return page;
}

/** Waits for uPlot to draw `chart` and returns how many series it drew and how many canvas pixels are inked. */
async function drawn(page: Page, chart: string) {
	const el = page.locator(`[data-chart="${chart}"][data-rendered]`);
	await el.waitFor();
	return el.evaluate((node) => {
		const canvas = node.querySelector("canvas");
		const ctx = canvas?.getContext("2d");
		const pixels = ctx?.getImageData(0, 0, canvas?.width ?? 0, canvas?.height ?? 0).data ?? new Uint8ClampedArray();
		let inked = 0;
		for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
		return { series: Number(node.getAttribute("data-rendered")), width: canvas?.clientWidth ?? 0, inked };
	});
}

describe("the dashboard in Chromium", () => {
	it("refuses a wrong token: the login form again, with a message and no session cookie", async () => {
		const page = await logIn("not-the-token");
		await expect(page.getByRole("alert").textContent()).resolves.toContain("Wrong token or API key.");
		expect(await context.cookies()).toEqual([]);
		await page.goto(`${edge.origin}/admin`);
		expect(new URL(page.url()).pathname).toBe("/admin/login");
	});

	it("logs the operator in and draws the charts from the seeded history; a receipt opens with its samples", async () => {
		const page = await logIn(ADMIN);
		await page.waitForURL(`${edge.origin}/admin`);
		const session = (await context.cookies()).find((c) => c.name === "es_session");
		expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/admin" });

		const syncs = await drawn(page, "syncs");
		expect(syncs.series).toBe(3);
		expect(syncs.inked).toBeGreaterThan(500);
		expect((await drawn(page, "pairs")).series).toBe(2);
		await expect(page.locator("#syncs .u-legend").textContent()).resolves.toMatch(/Demo Vendor.*Acme Data.*Globex/s);
		expect(await page.locator("#match meter").count()).toBe(2);
		await expect(page.locator("#outbound").textContent()).resolves.toContain("https: 503 after 3 tries");
		await expect(page.locator("#partners").textContent()).resolves.toContain(
			"https://globex.example/sync?u=${DD_UUID}",
		);
		await page.screenshot({ path: path.join(SHOTS, "overview-full.png"), fullPage: true });
		await page.screenshot({ path: path.join(SHOTS, "overview.png") }); // the one in docs/dashboard.png

		await Promise.all([page.waitForURL(/\/admin\/inbound\//), page.click("text=ftp_dpm_2000_1790000000.sync")]);
		await expect(page.locator("#receipt").textContent()).resolves.toContain("Records received1,203");
		await expect(page.locator('[data-kind="noMatchingId"] pre').textContent()).resolves.toBe(SAMPLE);
		await page.screenshot({ path: path.join(SHOTS, "receipt.png"), fullPage: true });
	});

	it("logs out for real: the Log out button ends the session, and a copy of the cookie is refused after", async () => {
		const page = await logIn(ADMIN);
		await page.waitForURL(`${edge.origin}/admin`);
		const copied = (await context.cookies()).find((c) => c.name === "es_session")?.value ?? "";
		expect(copied).not.toBe("");
		const replay = () =>
			fetch(`${edge.origin}/admin`, { headers: { Cookie: `es_session=${copied}` }, redirect: "manual" });
		expect((await replay()).status).toBe(200);
		await Promise.all([page.waitForURL(`${edge.origin}/admin/login`), page.click("text=Log out")]);
		expect((await context.cookies()).find((c) => c.name === "es_session")).toBeUndefined();
		const after = await replay();
		expect(after.status).toBe(303);
		expect(after.headers.get("Location")).toBe("/admin/login");
	});

	it("shows a partner key only that partner's receipts and runs; another partner's receipt is not found", async () => {
		const page = await logIn(KEYS[2000].full);
		await page.waitForURL(`${edge.origin}/admin`);
		await expect(page.getByTestId("who").textContent()).resolves.toBe("partner 2000");
		expect((await drawn(page, "syncs")).series).toBe(1);
		const text = (await page.locator("main").textContent()) ?? "";
		expect(text).toContain("ftp_dpm_2000_1790000000.sync");
		expect(text).toContain("1-1790000000000");
		expect(text).not.toMatch(/ftp_dpm_3000|2-1790000000000|Globex|Demo Vendor|unknown dpid/);

		const other = await page.goto(`${edge.origin}/admin/inbound/ftp_dpm_3000_1790000100.overwrite.gz`);
		expect(other?.status()).toBe(404);
		const api = await fetch(`${edge.origin}/api/v1/stats?dpid=3000`, {
			headers: { Authorization: `Bearer ${KEYS[2000].full}` },
		});
		expect(api.status).toBe(404);
	});

	it("fits a phone-size screen: no sideways scrolling of the page, charts as wide as the screen", async () => {
		const page = await logIn(ADMIN, { width: 390, height: 844 });
		await page.waitForURL(`${edge.origin}/admin`);
		const chart = await drawn(page, "syncs");
		expect(chart.width).toBeGreaterThan(300);
		expect(chart.width).toBeLessThanOrEqual(390);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.screenshot({ path: path.join(SHOTS, "overview-phone.png") });
	});

	it("counts live /ibs calls through the queue consumer: bad input, no consent, a new pair", async () => {
		const today = new Date().toISOString().slice(0, 10);
		const counts = async () => {
			const rows = await edge.query<{ metric: string; count: number }>(
				`SELECT metric, count FROM sync_counters WHERE day = '${today}'
				AND ((dpid = 0 AND reason = 'unknown dpid N') OR (dpid = 1000 AND metric IN ('consent_blocked', 'new_pairs')))`,
			);
			return Object.fromEntries(rows.map((r) => [r.metric, r.count]));
		};
		const before = await counts();
		const ibs = (q: string) => fetch(`${edge.origin}/ibs:${q}`, { headers: { Cookie: `uuid=${"4".repeat(38)}` } });
		expect((await ibs("dpid=4711&dpuuid=a")).headers.get("X-Error")).toBe("300,104");
		expect((await ibs("dpid=1000&dpuuid=live-1&gdpr=1")).status).toBe(200);
		expect((await ibs("dpid=1000&dpuuid=live-1")).status).toBe(200);
		const expected = {
			bad_input: (before.bad_input ?? 0) + 1,
			consent_blocked: (before.consent_blocked ?? 0) + 1,
			new_pairs: (before.new_pairs ?? 0) + 1,
		};
		// Counters are flushed by the isolate within 5 s, then batched by the consumer for up to 2 s.
		const after = await eventually("the live counts in D1", 30_000, async () => {
			const now = await counts();
			return Object.entries(expected).every(([metric, n]) => now[metric] === n) ? now : undefined;
		});
		expect(after).toEqual(expected);
	});
});

describe("the API docs in Chromium", () => {
	it("render from the edge alone: no request to another origin, nothing refused by the CSP", async () => {
		context = await browser.newContext();
		const page = await context.newPage();
		const foreign: string[] = [];
		const refused: string[] = [];
		page.on("request", (r) => {
			const url = new URL(r.url());
			if (url.protocol !== "data:" && url.origin !== edge.origin) foreign.push(r.url());
		});
		page.on("console", (m) => {
			if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
		});
		await page.goto(`${edge.origin}/api/docs`);
		await expect(page.locator(".swagger-ui .info .title").textContent()).resolves.toContain("edgesync admin API");
		await page.locator(".opblock").first().waitFor();
		expect(await page.locator(".opblock").count()).toBeGreaterThan(10);
		expect(foreign).toEqual([]);
		expect(refused).toEqual([]);
		await page.screenshot({ path: path.join(SHOTS, "api-docs.png") });
	});
});

// The browser tag in real Chromium: fixture pages on a "site" origin embed /tag.js from the edge running
// under `wrangler dev`; every expectation waits for the request, response or D1 row it needs.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { eventually } from "../../scripts/lib/wait.ts";
import { DEV_SECRETS } from "../../scripts/lib/wrangler-dev.ts";
import { useHarness } from "./support/harness.ts";
import { EDGE_VENDOR, tcString } from "./support/tcf.js";

const UUID = /^\d{38}$/;
/** The tag's first-party copy: the UUID signed by the edge (`<uuid>.<22 base64url characters>`). */
const signedCopyOf = (uuid: string) => new RegExp(`^${uuid}\\.[A-Za-z0-9_-]{22}$`);
const DEMO_DPID = 1000;
/** The queue consumer batches for up to 2 s; D1 rows get this long to appear. */
const PAIR_DEADLINE_MS = 20_000;

const h = useHarness();
const { openPage, isCall, uuidSeenByPage, cookieValue } = h;

type Pair = { dpid: number; dpuuid: string; uuid: string };
const ADMIN = { Authorization: `Bearer ${DEV_SECRETS.ADMIN_TOKEN}` };

/** What the graph holds of a visitor, asked through the admin API (whatever store holds it); null: nothing. */
async function visitorOf(uuid: string): Promise<{ optedOutAt: number | null; pairs: Pair[] } | null> {
	const res = await fetch(`${h.edge.origin}/api/v1/visitors/${uuid}`, { headers: ADMIN });
	if (res.status === 404) return null;
	expect(res.status).toBe(200);
	return (await res.json()) as { optedOutAt: number | null; pairs: Pair[] };
}
const pairsOf = async (uuid: string): Promise<Pair[]> =>
	((await visitorOf(uuid))?.pairs ?? []).map((p) => ({ dpid: p.dpid, dpuuid: p.dpuuid, uuid }));

/** A first page view with consent: the /id answer, the demo vendor's dpuuid from its redirect to /ibs. */
async function firstVisit(page: Page, url: string) {
	const idResponse = page.waitForResponse(isCall("/id?"));
	const ibsResponse = page.waitForResponse(isCall(`/ibs:dpid=${DEMO_DPID}&dpuuid=`));
	await page.goto(url);
	const answer = (await (await idResponse).json()) as {
		uuid: string;
		fpid: string;
		syncs: { dpid: number; url: string }[];
	};
	const ibs = await ibsResponse;
	const dpuuid = new URLSearchParams(ibs.url().split("/ibs:")[1]).get("dpuuid") ?? "";
	return { answer, ibs, dpuuid };
}

describe("the tag in Chromium", () => {
	it("first visit: gets a UUID from /id, keeps a first-party copy, fires the due sync, the pair lands in D1", async () => {
		const { page } = await openPage();
		const pixel = page.waitForRequest(isCall("/demo-vendor/sync?"));
		const { answer, ibs, dpuuid } = await firstVisit(page, h.site.url("plain"));

		expect(answer.uuid).toMatch(UUID);
		expect(answer.syncs.map((s) => s.dpid)).toEqual([DEMO_DPID]);
		expect(await uuidSeenByPage(page)).toBe(answer.uuid);

		const copy = (await h.context.cookies(h.site.url("plain"))).find((c) => c.name === "_es_id");
		expect(answer.fpid).toMatch(signedCopyOf(answer.uuid));
		expect(copy?.value).toBe(answer.fpid);
		expect(copy?.sameSite).toBe("Lax");
		expect(copy?.httpOnly).toBe(false);
		const days = ((copy?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
		expect(days).toBeGreaterThan(394);
		expect(days).toBeLessThanOrEqual(395);
		expect(await cookieValue(h.edge.origin, "uuid")).toBe(answer.uuid);

		// The sync pixel, the vendor's 302 back to /ibs with its own ID, and the /ibs GIF.
		const vendorCall = new URL((await pixel).url());
		expect(vendorCall.searchParams.get("uid")).toBe(answer.uuid);
		expect(ibs.request().redirectedFrom()?.url()).toBe(vendorCall.href);
		expect(ibs.status()).toBe(200);
		expect(ibs.headers()["content-type"]).toBe("image/gif");
		expect(dpuuid).toMatch(/^dv-[0-9a-f]{16}$/);

		const pairs = await eventually("the pair in the graph", PAIR_DEADLINE_MS, async () => {
			const rows = await pairsOf(answer.uuid);
			return rows.length ? rows : undefined;
		});
		expect(pairs).toEqual([{ dpid: DEMO_DPID, dpuuid, uuid: answer.uuid }]);
	});

	it("repeat visit within the interval: no /id call and no syncs, the UUID comes from the cookie", async () => {
		const { page, edgeRequests } = await openPage();
		const { answer } = await firstVisit(page, h.site.url("plain"));
		edgeRequests.length = 0;

		await page.goto(h.site.url("plain"));
		expect(await uuidSeenByPage(page)).toBe(answer.uuid);
		// The tag has decided (the callback ran); it only ever calls /id before deciding.
		expect(edgeRequests.filter((u) => !u.startsWith("/tag.js"))).toEqual([]);
	});

	it("a TCF CMP that refuses consent: nothing stored, nothing fired", async () => {
		const { page, edgeRequests } = await openPage();
		await page.goto(h.site.url("tcf", "127.0.0.1", { p1: "0", tc: tcString({ purpose1: false, vendors: [] }) }));
		expect(await uuidSeenByPage(page)).toBe("");
		expect(edgeRequests).toEqual(["/tag.js"]);
		expect(await h.context.cookies()).toEqual([]);
	});

	it("a TCF CMP that grants consent after its banner: the consent string reaches /id and the sync", async () => {
		const { page, edgeRequests } = await openPage();
		const tc = tcString({ purpose1: true, vendors: [EDGE_VENDOR] });
		const pixel = page.waitForRequest(isCall("/demo-vendor/sync?"));
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.goto(h.site.url("tcf", "127.0.0.1", { p1: "1", tc, banner: "1" }));
		await page.waitForFunction(() => (window as unknown as { cmpListeners(): number }).cmpListeners() > 0);
		// The banner is up: the tag listens and has asked the edge nothing.
		expect(edgeRequests).toEqual(["/tag.js"]);

		await page.evaluate(() => (window as unknown as { cmpUserAction(): void }).cmpUserAction());
		const id = await idResponse;
		expect(Object.fromEntries(new URL(id.url()).searchParams)).toEqual({ gdpr: "1", gdpr_consent: tc });
		const { uuid } = (await id.json()) as { uuid: string };
		expect(uuid).toMatch(UUID);
		const vendorCall = new URL((await pixel).url());
		expect(vendorCall.searchParams.get("gdpr")).toBe("1");
		expect(vendorCall.searchParams.get("gdpr_consent")).toBe(tc);
		expect(await cookieValue(h.site.url("tcf"), "_es_id")).toMatch(signedCopyOf(uuid));
		await eventually("the pair in the graph", PAIR_DEADLINE_MS, async () =>
			(await pairsOf(uuid)).length ? true : undefined,
		);
	});

	it("consent without the edge's TCF vendor: the edge refuses, and the tag stores nothing either", async () => {
		const { page, edgeRequests } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.goto(h.site.url("tcf", "127.0.0.1", { p1: "1", tc: tcString({ purpose1: true, vendors: [] }) }));
		expect(await (await idResponse).json()).toEqual({ uuid: "", syncs: [] });
		expect(await uuidSeenByPage(page)).toBe("");
		expect(edgeRequests.map((u) => u.split("?")[0])).toEqual(["/tag.js", "/id"]);
		expect(await h.context.cookies()).toEqual([]);
	});

	it("data-gdpr=1 on a page without a CMP: nothing stored, nothing fired", async () => {
		const { page, edgeRequests } = await openPage();
		await page.goto(h.site.url("gdpr-default"));
		expect(await uuidSeenByPage(page)).toBe("");
		expect(edgeRequests).toEqual(["/tag.js"]);
		expect(await h.context.cookies()).toEqual([]);
	});

	it("opt-out through the JS API: the edge forgets the visitor, the tag writes and fires nothing afterwards", async () => {
		const { page, edgeRequests } = await openPage();
		const { answer } = await firstVisit(page, h.site.url("plain"));
		await eventually("the pair in the graph", PAIR_DEADLINE_MS, async () =>
			(await pairsOf(answer.uuid)).length ? true : undefined,
		);

		const optOut = page.waitForResponse(isCall("/demoptout.jpg"));
		await page.evaluate(
			() =>
				new Promise<void>((resolve) =>
					(window as unknown as { edgesync: { push(c: unknown): void } }).edgesync.push(["optOut", resolve]),
				),
		);
		expect(new URL((await optOut).url()).searchParams.get("fpid")).toBe(answer.fpid);
		expect(await uuidSeenByPage(page)).toBe("");
		expect(await cookieValue(h.site.url("plain"), "_es_id")).toBeUndefined();
		expect(await cookieValue(h.site.url("plain"), "_es_t")).toBeUndefined();
		expect(await cookieValue(h.edge.origin, "uuid")).toBe("NOTARGET");
		expect(await pairsOf(answer.uuid)).toEqual([]);
		expect((await visitorOf(answer.uuid))?.optedOutAt).toEqual(expect.any(Number));

		// Next page view: the edge says "opted out"; the tag stores nothing and fires no sync.
		edgeRequests.length = 0;
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.goto(h.site.url("plain"));
		expect(await (await idResponse).json()).toEqual({ uuid: "NOTARGET", optout: true, syncs: [] });
		expect(await uuidSeenByPage(page)).toBe("");
		expect(edgeRequests.map((u) => u.split("?")[0])).toEqual(["/tag.js", "/id"]);
		expect(await cookieValue(h.site.url("plain"), "_es_id")).toBeUndefined();
	});

	it("/demo shows the UUID and the syncs fired", async () => {
		const { page } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id"));
		await page.goto(`${h.edge.origin}/demo`);
		const { uuid } = (await (await idResponse).json()) as { uuid: string };
		expect(uuid).toMatch(UUID);
		await page.locator("#uuid", { hasText: uuid }).waitFor();
		await page.locator("#syncs li", { hasText: `/demo-vendor/sync?uid=${uuid}` }).waitFor();
		expect(await page.locator("#cookie").textContent()).toMatch(signedCopyOf(uuid));
	});

	it("third-party cookies blocked: the edge's cookie never sticks, the tag keeps the UUID through its signed copy", async () => {
		const { page } = await openPage();
		// The page is on localhost, the edge on 127.0.0.1: another site, so its cookie is a third-party one.
		const cdp = await h.context.newCDPSession(page);
		// Said explicitly: a Playwright context happens to block them already (it is an incognito profile).
		await cdp.send("Network.setCookieControls", { enableThirdPartyCookieRestriction: true });
		const pageUrl = h.site.url("plain", "localhost");
		const first = page.waitForResponse(isCall("/id?"));
		await page.goto(pageUrl);
		const firstId = await first;
		expect(new URL(firstId.url()).searchParams.has("fpid")).toBe(false);
		const { uuid, fpid } = (await firstId.json()) as { uuid: string; fpid: string };
		expect(uuid).toMatch(UUID);
		expect(fpid).toMatch(signedCopyOf(uuid));
		expect(await cookieValue(pageUrl, "_es_id")).toBe(fpid);
		expect(await cookieValue(h.edge.origin, "uuid")).toBeUndefined();

		// A later page view after the interval: the edge has no cookie, the tag sends its signed copy.
		await h.context.clearCookies({ name: "_es_t" });
		const second = page.waitForResponse(isCall("/id?"));
		await page.goto(pageUrl);
		const secondId = await second;
		expect(new URL(secondId.url()).searchParams.get("fpid")).toBe(fpid);
		expect(((await secondId.json()) as { uuid: string }).uuid).toBe(uuid);
		expect(await uuidSeenByPage(page)).toBe(uuid);
	});

	it("third-party cookies blocked and an old unsigned _es_id: the bare UUID is not adopted", async () => {
		const { page } = await openPage();
		const cdp = await h.context.newCDPSession(page);
		await cdp.send("Network.setCookieControls", { enableThirdPartyCookieRestriction: true });
		const pageUrl = h.site.url("plain", "localhost");
		const first = page.waitForResponse(isCall("/id?"));
		await page.goto(pageUrl);
		const { uuid } = (await (await first).json()) as { uuid: string };

		// The copy as the tag used to write it (or as a page forges it): the UUID alone.
		await h.context.addCookies([{ name: "_es_id", value: uuid, url: pageUrl }]);
		const second = page.waitForResponse(isCall("/id?"));
		await page.goto(pageUrl);
		const secondId = await second;
		expect(new URL(secondId.url()).searchParams.has("fpid")).toBe(false);
		const answer = (await secondId.json()) as { uuid: string; fpid: string };
		expect(answer.uuid).toMatch(UUID);
		expect(answer.uuid).not.toBe(uuid);
		expect(await cookieValue(pageUrl, "_es_id")).toBe(answer.fpid);
		// And sent by hand, the bare UUID is ignored by the edge just the same.
		const byHand = (await (await fetch(`${h.edge.origin}/id?fpid=${uuid}`)).json()) as { uuid: string };
		expect(byHand.uuid).not.toBe(uuid);
	});

	it("an old unsigned _es_id is upgraded on the next page view, even while _es_t is fresh", async () => {
		const { page } = await openPage();
		const { answer } = await firstVisit(page, h.site.url("plain"));
		// What the tag wrote before copies were signed: the bare UUID, with a fresh _es_t beside it.
		await h.context.addCookies([{ name: "_es_id", value: answer.uuid, url: h.site.url("plain") }]);
		expect(await cookieValue(h.site.url("plain"), "_es_t")).toBe("1");

		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.goto(h.site.url("plain"));
		const id = await idResponse;
		// The unsigned copy is neither trusted nor sent; the edge's own cookie still says who this is.
		expect(new URL(id.url()).searchParams.has("fpid")).toBe(false);
		const upgraded = (await id.json()) as { uuid: string; fpid: string };
		expect(upgraded.uuid).toBe(answer.uuid);
		expect(upgraded.fpid).toMatch(signedCopyOf(answer.uuid));
		expect(await uuidSeenByPage(page)).toBe(answer.uuid);
		expect(await cookieValue(h.site.url("plain"), "_es_id")).toBe(upgraded.fpid);
	});
});

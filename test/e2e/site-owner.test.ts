// What a site owner meets beyond the embed snippet, in real Chromium against `wrangler dev`: the IAB's
// reference CMP APIs (@iabtcf/cmpapi, @iabgpp/cmpapi), a page outside SITE_ORIGINS, the tag's ES module
// in a site's own bundle, and the recipes that hand the UUID to Prebid.js and Google Publisher Tag.
import { createHash } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useHarness } from "./support/harness.ts";
import { EDGE_VENDOR, tcString } from "./support/tcf.js";

const UUID = /^\d{38}$/;
const h = useHarness();
const { openPage, isCall, uuidSeenByPage, cookieValue } = h;

/** Opens `url` and answers what /id said. */
async function firstId(page: Page, url: string): Promise<{ uuid: string; fpid: string }> {
	const idResponse = page.waitForResponse(isCall("/id?"));
	await page.goto(url);
	return (await (await idResponse).json()) as { uuid: string; fpid: string };
}

const granted = () => tcString({ purpose1: true, vendors: [EDGE_VENDOR] });
const refused = () => tcString({ purpose1: false, vendors: [] });

describe("the tag with the IAB's reference CMPs", () => {
	it("a GPP CMP that says no section applies (-1): gpp_sid=-1 reaches the edge, which then enforces no section", async () => {
		const { page } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id?"));
		// The string carries a US national opt-out of sale, but on this page the CMP says no law applies.
		await page.goto(h.site.url("gpp-reference", "127.0.0.1", { sections: "-1", saleOptOut: "1" }));
		const id = await idResponse;
		expect(new URL(id.url()).searchParams.get("gpp_sid")).toBe("-1");
		const { uuid } = (await id.json()) as { uuid: string };
		expect(uuid).toMatch(UUID);
		expect(await uuidSeenByPage(page)).toBe(uuid);
	});

	it("the same GPP string where the US national section applies: the edge refuses", async () => {
		const { page } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.goto(h.site.url("gpp-reference", "127.0.0.1", { sections: "7", saleOptOut: "1" }));
		const id = await idResponse;
		expect(new URL(id.url()).searchParams.get("gpp_sid")).toBe("7");
		expect(await id.json()).toEqual({ uuid: "", syncs: [] });
		expect(await uuidSeenByPage(page)).toBe("");
		expect(await h.context.cookies()).toEqual([]);
	});

	it("the demo partner's sync URL carries the GPP and US privacy signals (${GPP}, ${GPP_SID}, ${US_PRIVACY})", async () => {
		const { page } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id?"));
		const pixel = page.waitForRequest(isCall("/demo-vendor/sync?"));
		const ibs = page.waitForRequest(isCall("/ibs:"));
		await page.goto(h.site.url("gpp-reference", "127.0.0.1", { sections: "7", saleOptOut: "2", usp: "1YNN" }));
		const sent = new URL((await idResponse).url()).searchParams;
		const gpp = sent.get("gpp");
		expect(gpp).toMatch(/^DBA/);
		const vendorCall = new URL((await pixel).url()).searchParams;
		expect([vendorCall.get("gpp"), vendorCall.get("gpp_sid"), vendorCall.get("us_privacy")]).toEqual([
			gpp,
			"7",
			"1YNN",
		]);
		// The demo vendor hands them back on its redirect to /ibs, as a vendor's sync endpoint does.
		const back = new URLSearchParams((await ibs).url().split("/ibs:")[1]);
		expect([back.get("gpp"), back.get("gpp_sid"), back.get("us_privacy")]).toEqual([gpp, "7", "1YNN"]);
	});

	it("a GPP CMP that never finishes loading: the tag gives up on it after the consent timeout and goes on with the US privacy answer", async () => {
		const { page, edgeRequests } = await openPage();
		await page.clock.install();
		await page.goto(h.site.url("gpp-reference", "127.0.0.1", { status: "loading", usp: "1YNN" }));
		await page.clock.fastForward(1_000);
		expect(edgeRequests).toEqual(["/tag.js"]);
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.clock.fastForward(600);
		const id = await idResponse;
		expect(Object.fromEntries(new URL(id.url()).searchParams)).toEqual({ us_privacy: "1YNN" });
		const { uuid } = (await id.json()) as { uuid: string };
		expect(uuid).toMatch(UUID);
		expect(await uuidSeenByPage(page)).toBe(uuid);
	});

	it("a TCF CMP still loading after the 1.5 s wait: the tag keeps waiting, and the consented page view counts", async () => {
		const { page, edgeRequests } = await openPage();
		await page.clock.install();
		// Loaded (the tag ran and pinged the CMP, which said "loading"); the CMP has no TC string yet.
		await page.goto(h.site.url("tcf-reference"));
		await page.clock.fastForward(5_000);
		expect(edgeRequests).toEqual(["/tag.js"]);

		const tc = granted();
		const idResponse = page.waitForResponse(isCall("/id?"));
		await page.evaluate((s) => (window as unknown as { cmpLoad(tc: string): void }).cmpLoad(s), tc);
		const id = await idResponse;
		expect(Object.fromEntries(new URL(id.url()).searchParams)).toEqual({ gdpr: "1", gdpr_consent: tc });
		const { uuid } = (await id.json()) as { uuid: string };
		expect(uuid).toMatch(UUID);
		expect(await uuidSeenByPage(page)).toBe(uuid);
	});

	it("a TCF CMP that stays loading: the tag gives up after 10 s, not before, and stores nothing", async () => {
		const { page, edgeRequests } = await openPage();
		await page.clock.install();
		await page.goto(h.site.url("tcf-reference"));
		const decided = uuidSeenByPage(page);
		await page.evaluate(() => {
			const w = window as unknown as { edgesync: { push(c: unknown): void }; decidedAt?: string };
			w.edgesync.push(["getUuid", (uuid: string) => (w.decidedAt = uuid)]);
		});
		await page.clock.fastForward(9_500);
		expect(await page.evaluate(() => (window as unknown as { decidedAt?: string }).decidedAt)).toBeUndefined();
		await page.clock.fastForward(600);
		expect(await decided).toBe("");
		expect(edgeRequests).toEqual(["/tag.js"]);
		expect(await h.context.cookies()).toEqual([]);
	});

	it("a TCF CMP that has loaded refuses: nothing is asked of the edge", async () => {
		const { page, edgeRequests } = await openPage();
		await page.goto(h.site.url("tcf-reference", "127.0.0.1", { tc: refused() }));
		expect(await uuidSeenByPage(page)).toBe("");
		expect(edgeRequests).toEqual(["/tag.js"]);
	});

	it("a page outside SITE_ORIGINS: /id answers 403 and sets no cookie (the page could not read the answer)", async () => {
		const { page } = await openPage();
		// The browser blocks the answer (no CORS grant), so Playwright sees only a failed request; the edge's
		// raw answer (status, headers) comes from Chromium's network events.
		const cdp = await h.context.newCDPSession(page);
		await cdp.send("Network.enable");
		const idRequests = new Set<string>();
		cdp.on("Network.requestWillBeSent", (e) => {
			if (isCall("/id?")({ url: () => e.request.url })) idRequests.add(e.requestId);
		});
		const rawAnswer = new Promise<{ statusCode: number; headers: Record<string, string> }>((resolve) => {
			cdp.on("Network.responseReceivedExtraInfo", (e) => {
				if (idRequests.has(e.requestId)) resolve(e);
			});
		});
		const blocked = page.waitForEvent("requestfailed", isCall("/id?"));
		await page.goto(h.foreign.url("plain"));
		await blocked;
		const { statusCode, headers } = await rawAnswer;
		expect(statusCode).toBe(403);
		expect(Object.keys(headers).map((k) => k.toLowerCase())).not.toContain("set-cookie");
		expect(await uuidSeenByPage(page)).toBe("");
		expect(await cookieValue(h.edge.origin, "uuid")).toBeUndefined();
		expect(await h.context.cookies()).toEqual([]);
	});
});

describe("what a site owner builds on the tag", () => {
	it("the tag-manager snippet: the script element it creates carries the data-* settings", async () => {
		const { page } = await openPage();
		const { uuid } = await firstId(page, h.site.url("tag-manager"));
		expect(await uuidSeenByPage(page)).toBe(uuid);
		expect(await cookieValue(h.site.url("tag-manager"), "_es_id")).toMatch(new RegExp(`^${uuid}\\.`));
		// data-interval="0" from the snippet: the next page view asks /id again although _es_t would say "fresh".
		const again = await firstId(page, h.site.url("tag-manager"));
		expect(again.uuid).toBe(uuid);
	});

	it("the ES module in the site's own bundle: start() with options, getUuid() as a promise, before and after start", async () => {
		const { page, edgeRequests } = await openPage();
		const idResponse = page.waitForResponse(isCall("/id?"));
		const pixel = page.waitForRequest(isCall("/demo-vendor/sync?"));
		await page.goto(h.site.url("esm"));
		const { uuid, fpid } = (await (await idResponse).json()) as { uuid: string; fpid: string };
		expect(uuid).toMatch(UUID);
		const seen = await page.evaluate(async () => {
			const w = window as unknown as { uuidBeforeStart: Promise<string>; uuidAfterStart: Promise<string> };
			return [await w.uuidBeforeStart, await w.uuidAfterStart];
		});
		expect(seen).toEqual([uuid, uuid]);
		expect(await cookieValue(h.site.url("esm"), "_es_id")).toBe(fpid);
		expect(new URL((await pixel).url()).searchParams.get("uid")).toBe(uuid);
		// The page loaded no tag.js: everything came from its own bundle.
		expect(edgeRequests.some((u) => u.startsWith("/tag.js"))).toBe(false);
	});

	it("Prebid.js from npm gets the UUID as a publisher-provided ID under consent", async () => {
		const { page } = await openPage();
		await page.goto(h.site.url("prebid", "127.0.0.1", { tc: granted() }));
		const uuid = await uuidSeenByPage(page);
		expect(uuid).toMatch(UUID);
		const eid = await page.waitForFunction(
			(id) => {
				const eids = (
					window as unknown as { pbjs: { getUserIdsAsEids(): { uids: { id: string }[] }[] } }
				).pbjs.getUserIdsAsEids();
				return eids.find((e) => e.uids.some((u) => u.id === id));
			},
			uuid,
			{ timeout: 10_000 },
		);
		expect(await eid.jsonValue()).toEqual({
			source: "example.com",
			uids: [{ id: uuid, atype: 1, ext: { stype: "ppuid" } }],
		});
	});

	it("Prebid.js without consent: no publisher-provided ID", async () => {
		const { page } = await openPage();
		await page.goto(h.site.url("prebid", "127.0.0.1", { tc: refused() }));
		expect(await uuidSeenByPage(page)).toBe("");
		const eids = await page.evaluate(async () => {
			const pbjs = (
				window as unknown as { pbjs: { getUserIdsAsync(): Promise<unknown>; getUserIdsAsEids(): unknown[] } }
			).pbjs;
			await pbjs.getUserIdsAsync();
			return pbjs.getUserIdsAsEids();
		});
		expect(eids).toEqual([]);
	});

	it("Google Publisher Tag gets the UUID's SHA-256 as its PPID under consent, and none without", async () => {
		const { page } = await openPage();
		await page.goto(h.site.url("gpt", "127.0.0.1", { tc: granted() }));
		const uuid = await uuidSeenByPage(page);
		expect(uuid).toMatch(UUID);
		const ppid = await page.waitForFunction(() => (window as unknown as { gptPpid?: string }).gptPpid);
		const expected = createHash("sha256").update(uuid).digest("hex");
		expect(await ppid.jsonValue()).toBe(expected);
		// Google's PPID rules: 22 to 150 letters and digits.
		expect(expected).toMatch(/^[A-Za-z0-9]{22,150}$/);

		await h.context.close();
		const other = await openPage();
		await other.page.goto(h.site.url("gpt", "127.0.0.1", { tc: refused() }));
		expect(await uuidSeenByPage(other.page)).toBe("");
		expect(await other.page.evaluate(() => (window as unknown as { gptPpid?: string }).gptPpid)).toBeUndefined();
	});
});

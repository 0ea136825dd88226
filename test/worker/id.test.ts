import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { d1PairStore } from "../../worker/pairs/store";
import { call, callWith, uuidCookie, uuidFrom } from "./support/edge";
import { seedPartner } from "./support/partners";

const SITE = "https://site.example"; // SITE_ORIGINS in vitest.config.ts
const U = "3".repeat(38);
const DAY = 86_400_000;

type IdAnswer = { uuid: string; optout?: boolean; syncs: Array<{ dpid: number; url: string; type: string }> };

beforeEach(async () => {
	await seedPartner({ dpid: 1000, syncUrl: "/demo-vendor/sync?uid=${DD_UUID}&gdpr=${GDPR}", resyncDays: 7 });
	await seedPartner({
		dpid: 2000,
		syncUrl: "https://p2.example/sync?u=${DD_UUID}&r=%rnd%&p=%http_proto%",
		resyncDays: 1,
	});
	await seedPartner({ dpid: 3000 }); // no sync URL: never offered
});

describe("/id", () => {
	it("mints a UUID, sets the server cookie and lists every due sync with macros expanded", async () => {
		const res = await call("/id");
		expect(res.status).toBe(200);
		const body = await res.json<IdAnswer>();
		expect(body.uuid).toMatch(/^\d{38}$/);
		expect(uuidFrom(res)).toBe(body.uuid);
		expect(res.headers.get("Cache-Control")).toBe("no-store, private");
		expect(body.syncs.map((s) => s.dpid)).toEqual([1000, 2000]);
		expect(body.syncs[0]).toEqual({
			dpid: 1000,
			url: `https://edge.example/demo-vendor/sync?uid=${body.uuid}&gdpr=`,
			type: "img",
		});
		expect(body.syncs[1]?.url).toMatch(new RegExp(`^https://p2\\.example/sync\\?u=${body.uuid}&r=\\d+&p=https$`));
	});

	it("keeps the cookie's UUID, and falls back to fpid only when the cookie is missing", async () => {
		const fromCookie = await (await call(`/id?fpid=${"9".repeat(38)}`, { cookie: `uuid=${U}` })).json<IdAnswer>();
		expect(fromCookie.uuid).toBe(U);
		const fromFpid = await call(`/id?fpid=${U}`);
		expect((await fromFpid.json<IdAnswer>()).uuid).toBe(U);
		expect(uuidFrom(fromFpid)).toBe(U);
		for (const forged of ["123", "x".repeat(38), "NOTARGET"]) {
			const minted = await (await call(`/id?fpid=${forged}`)).json<IdAnswer>();
			expect(minted.uuid).toMatch(/^\d{38}$/);
			expect(minted.uuid).not.toBe(forged);
		}
	});

	it("offers only partners whose pair is missing or older than their resync interval", async () => {
		const now = Date.now();
		await d1PairStore(env.DB).upsert([
			{ dpid: 1000, dpuuid: "a", uuid: U, at: now - 2 * DAY }, // 7-day interval: fresh
			{ dpid: 2000, dpuuid: "b", uuid: U, at: now - 2 * DAY }, // 1-day interval: due
		]);
		const body = await (await call("/id", { cookie: `uuid=${U}` })).json<IdAnswer>();
		expect(body.syncs.map((s) => s.dpid)).toEqual([2000]);
	});

	it("caps the syncs per call, never-synced partners first", async () => {
		await d1PairStore(env.DB).upsert([{ dpid: 2000, dpuuid: "b", uuid: U, at: Date.now() - 30 * DAY }]);
		await seedPartner({ dpid: 4000, syncUrl: "https://p4.example/s" });
		const res = await callWith({ SYNCS_PER_CALL: "2" }, "/id", { cookie: `uuid=${U}` });
		expect((await res.json<IdAnswer>()).syncs.map((s) => s.dpid)).toEqual([1000, 4000]);
	});

	it("passes consent values into the sync URL macros", async () => {
		const body = await (await call("/id?gdpr=0&us_privacy=1YNN", { cookie: `uuid=${U}` })).json<IdAnswer>();
		expect(body.syncs[0]?.url).toBe(`https://edge.example/demo-vendor/sync?uid=${U}&gdpr=0`);
	});

	it("without consent: no UUID, no cookie, no syncs", async () => {
		const res = await call("/id?gdpr=1", { cookie: `uuid=${U}` });
		expect(await res.json()).toEqual({ uuid: "", syncs: [] });
		expect(uuidCookie(res)).toBeNull();
	});

	it("opted-out visitors get NOTARGET, by cookie or by an opted-out fpid", async () => {
		const byCookie = await call("/id", { cookie: "uuid=NOTARGET" });
		expect(await byCookie.json()).toEqual({ uuid: "NOTARGET", optout: true, syncs: [] });
		await d1PairStore(env.DB).forgetVisitor(U, Date.now());
		const byFpid = await call(`/id?fpid=${U}`);
		expect(await byFpid.json()).toEqual({ uuid: "NOTARGET", optout: true, syncs: [] });
		expect(uuidFrom(byFpid)).toBe("NOTARGET");
	});

	it("answers CORS with credentials to the configured site origins only", async () => {
		const allowed = await call("/id", { headers: { Origin: SITE } });
		expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(SITE);
		expect(allowed.headers.get("Access-Control-Allow-Credentials")).toBe("true");
		const other = await call("/id", { headers: { Origin: "https://evil.example" } });
		expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
		const preflight = await call("/id", {
			method: "OPTIONS",
			headers: { Origin: SITE, "Access-Control-Request-Method": "GET" },
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe(SITE);
	});

	it("rejects malformed consent parameters with a JSON 400", async () => {
		const res = await call("/id?gdpr=yes");
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: expect.stringMatching(/gdpr/) });
	});
});

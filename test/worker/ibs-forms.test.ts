import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { PairMessage } from "../../core/graph/pair-event";
import { pairStoreOf } from "../../core/graph/select";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { call, uuidCookie, uuidFrom } from "./support/edge";
import { seedPartner } from "./support/partners";
import { watchPairSends } from "./support/queue-spy";

let sent: PairMessage[];
beforeEach(async () => {
	sent = watchPairSends();
	await seedPartner({ dpid: 1000, redirectHosts: ["partner.example", "*.cdn.partner.example"] });
	await seedPartner({ dpid: 2000, integrationCode: "acme" });
});

const pairsSent = () => sent.flatMap((m) => m.pairs.map((p) => ({ ...p, uuid: m.uuid })));

describe("/ibs accepted forms", () => {
	it("path form stores the pair and answers a no-store pixel with the uuid cookie", async () => {
		const res = await call("/ibs:dpid=1000&dpuuid=abc");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("image/gif");
		expect(res.headers.get("Cache-Control")).toBe("no-store, private");
		const gif = new Uint8Array(await res.arrayBuffer());
		expect(new TextDecoder().decode(gif.slice(0, 6))).toBe("GIF89a");
		expect(gif.length).toBe(42);
		const uuid = uuidFrom(res);
		expect(uuid).toMatch(/^\d{38}$/);
		expect(pairsSent()).toEqual([{ dpid: 1000, dpuuid: "abc", uuid }]);
	});

	it("sets the uuid cookie exactly as SPEC §2 says", async () => {
		const res = await call("/ibs:dpid=1000&dpuuid=abc");
		const attrs = (uuidCookie(res) ?? "").split("; ").slice(1);
		expect(attrs).toEqual(["Max-Age=34128000", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
	});

	it("query form, deprecated d_dpid/d_dpuuid and percent-encoded IDs are equivalent", async () => {
		await call("/ibs?dpid=1000&dpuuid=a%20b%2Fc");
		await call("/ibs:d_dpid=2000&d_dpuuid=x%3Ay");
		expect(pairsSent().map(({ dpid, dpuuid }) => ({ dpid, dpuuid }))).toEqual([
			{ dpid: 1000, dpuuid: "a b/c" },
			{ dpid: 2000, dpuuid: "x:y" },
		]);
	});

	it("renews a known visitor's cookie and keeps its UUID", async () => {
		const uuid = "1".repeat(38);
		const res = await call("/ibs:dpid=1000&dpuuid=abc", { cookie: `uuid=${uuid}` });
		expect(uuidFrom(res)).toBe(uuid);
		expect(pairsSent()).toEqual([{ dpid: 1000, dpuuid: "abc", uuid }]);
	});

	it("d_cid and d_cid_ic carry several pairs in one call, with the UID encoded inside", async () => {
		const res = await call("/ibs:d_cid=1000%01u%40x.com%011&d_cid_ic=acme%01id%25%3A7&d_rtbd=json");
		expect(res.status).toBe(200);
		const body = await res.json<{ uuid: string; stored: unknown[]; errors: unknown[] }>();
		expect(body.uuid).toMatch(/^\d{38}$/);
		expect(body.stored).toEqual([
			{ dpid: 1000, dpuuid: "u@x.com" },
			{ dpid: 2000, dpuuid: "id%:7" },
		]);
		expect(body.errors).toBeUndefined();
		expect(sent).toHaveLength(1); // one queue message per call, not one per pair
	});

	it("a dpid alone with redir hands the partner our UUID without storing anything", async () => {
		const res = await call("/ibs:dpid=1000&redir=https%3A%2F%2Fpartner.example%2Fu%3D%24%7BDD_UUID%7D", {
			cookie: `uuid=${"2".repeat(38)}`,
		});
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe(`https://partner.example/u=${"2".repeat(38)}`);
		expect(sent).toEqual([]);
	});
});

describe("/ibs redirects", () => {
	it("302s to an allowed host with the DD_UUID macro replaced, in raw or encoded form", async () => {
		const res = await call(
			"/ibs:dpid=1000&dpuuid=abc&redir=http%3A%2F%2Fpartner.example%2Fback%3Fu%3D%24%7BDD_UUID%7D%26v%3D%2524%257BDD_UUID%257D",
		);
		expect(res.status).toBe(302);
		const uuid = uuidFrom(res);
		expect(res.headers.get("Location")).toBe(`http://partner.example/back?u=${uuid}&v=${uuid}`);
		expect(res.headers.get("Cache-Control")).toBe("no-store, private");
		expect(pairsSent()).toHaveLength(1);
	});

	it("allows subdomains of a wildcard entry", async () => {
		const res = await call("/ibs:dpid=1000&dpuuid=abc&redir=https%3A%2F%2Fa.cdn.partner.example%2Fx");
		expect(res.headers.get("Location")).toBe("https://a.cdn.partner.example/x");
	});
});

describe("server-to-server calls (a partner key names the visitor with d_uuid, as AAM's DCS allows)", () => {
	const U = "6".repeat(38);
	let auth: { Authorization: string };
	beforeEach(async () => {
		auth = { Authorization: `Bearer ${(await createPartnerKey(env.DB, 1000, "server", Date.now())).secret}` };
		// The visitor synced with partner 1000 from its browser before: how the partner learned the UUID.
		await pairStoreOf(env).upsert([{ dpid: 1000, dpuuid: "from-browser", uuid: U, at: Date.now() }]);
	});

	it("stores the partner's own IDs for d_uuid, sets no cookie, and skips other partners' IDs with 302", async () => {
		const res = await call(`/ibs:d_cid=1000%01abc&d_cid=2000%01x&d_uuid=${U}&d_rtbd=json`, { headers: auth });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(res.headers.get("X-Error")).toBe("302");
		expect(await res.json()).toMatchObject({
			uuid: U,
			stored: [{ dpid: 1000, dpuuid: "abc" }],
			errors: [{ code: 302, msg: "Unauthorized customer id 2000:x" }],
		});
		expect(pairsSent()).toEqual([{ dpid: 1000, dpuuid: "abc", uuid: U }]);
	});

	it("other partners' IDs in a server call use up none of its limits", async () => {
		const theirs = Array.from({ length: 12 }, (_, i) => `d_cid=2000%01x${i}`).join("&");
		const res = await call(`/ibs:${theirs}&d_cid=1000%01mine&d_uuid=${U}&d_rtbd=json`, { headers: auth });
		expect(res.headers.get("X-Error")).toBe("302");
		expect((await res.json<{ stored: unknown[] }>()).stored).toEqual([{ dpid: 1000, dpuuid: "mine" }]);
	});

	it("refuses a server call without d_uuid or with a bad one (400), a wrong key (401), a visitor not paired with the caller (404)", async () => {
		const stranger = "8".repeat(38);
		const calls: Array<[string, Record<string, string>, number, RegExp]> = [
			[`/ibs:d_cid=1000%01abc&d_uuid=${stranger}`, auth, 404, /DPID 1000 has no pair with that d_uuid/],
			["/ibs:d_cid=1000%01abc", auth, 400, /names the visitor with d_uuid/],
			["/ibs:d_cid=1000%01abc&d_uuid=123", auth, 400, /d_uuid must be one edgesync UUID/],
			[`/ibs:d_cid=1000%01abc&d_uuid=${U}&d_uuid=${U}`, auth, 400, /d_uuid must be one/],
			[`/ibs:d_cid=1000%01abc&d_uuid=${U}`, { Authorization: "Bearer nope" }, 401, /invalid partner key/],
		];
		for (const [path, headers, status, reason] of calls) {
			const res = await call(path, { headers });
			expect(res.status, path).toBe(status);
			expect(await res.text(), path).toMatch(reason);
			expect(uuidCookie(res), path).toBeNull();
		}
		expect(sent).toEqual([]);
	});

	it("an opted-out d_uuid answers as a stranger's (404): the call is no oracle, and nothing is stored", async () => {
		await pairStoreOf(env).forgetVisitor(U, Date.now());
		const res = await call(`/ibs:d_cid=1000%01abc&d_uuid=${U}&d_rtbd=json`, { headers: auth });
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({
			error: "DPID 1000 has no pair with that d_uuid; sync the visitor from its browser first",
		});
		expect(sent).toEqual([]);
	});

	it("from a browser, d_uuid names nobody: the cookie's visitor is stored and d_uuid reported (102)", async () => {
		const mine = "1".repeat(38);
		const res = await call(`/ibs:d_cid=1000%01abc&d_uuid=${U}&d_rtbd=json`, { cookie: `uuid=${mine}` });
		expect(res.headers.get("X-Error")).toBe("102");
		expect(await res.json()).toMatchObject({
			uuid: mine,
			errors: [{ code: 102, reason: "d_uuid is taken only from a partner's authenticated server call" }],
		});
		expect(pairsSent()).toEqual([{ dpid: 1000, dpuuid: "abc", uuid: mine }]);
	});
});

describe("AAM's global data sources (device advertising IDs) are built in", () => {
	it("takes an IDFA by DPID and a GAID by AAM's DSID_ integration code, without the operator creating them", async () => {
		// The example IDs of AAM's "Index of IDs in Audience Manager".
		const res = await call(
			"/ibs:d_cid=20915%01AEBE52E7-03EE-455A-B3C4-E57283966239&d_cid_ic=DSID_20914%01e4fe9bde-caa0-47b6-908d-ffba3fa184f2&d_cid=121963%01fcb2a29c-315a-5e6b-bcfd-d889ba19aada&d_rtbd=json",
		);
		expect(res.headers.get("X-Error")).toBeNull();
		expect((await res.json<{ stored: unknown[] }>()).stored).toEqual([
			{ dpid: 20915, dpuuid: "AEBE52E7-03EE-455A-B3C4-E57283966239" },
			{ dpid: 20914, dpuuid: "e4fe9bde-caa0-47b6-908d-ffba3fa184f2" },
			{ dpid: 121963, dpuuid: "fcb2a29c-315a-5e6b-bcfd-d889ba19aada" },
		]);
	});

	it("refuses a device ID in the wrong format with AAM's 312 (AAM's own incorrect example: a lowercase IDFA)", async () => {
		const res = await call("/ibs:d_cid=20915%01a53cc5a2-6aa1-4210-8ded-a88b29b6212z&d_cid=1000%01ok&d_rtbd=json");
		expect(res.headers.get("X-Error")).toBe("312,300");
		const body = await res.json<{ stored: unknown[]; errors: unknown[] }>();
		expect(body.stored).toEqual([{ dpid: 1000, dpuuid: "ok" }]);
		expect(body.errors).toEqual([
			{
				code: 312,
				msg: "Request contains an invalid Global Device ID",
				reason: "Apple ID for Advertisers (IDFA) IDs are 32 uppercase hexadecimal digits as 8-4-4-4-12",
			},
			expect.objectContaining({ code: 300, msg: "Invalid customer id 20915%01a53cc5a2-6aa1-4210-8ded-a88b29b6212z" }),
		]);
	});

	it("a partner the operator created with a global DPID keeps its own code; the DPID's format still holds", async () => {
		await seedPartner({ dpid: 20914, integrationCode: "gaid" });
		const gaid = "e4fe9bde-caa0-47b6-908d-ffba3fa184f2";
		const res = await call(
			`/ibs:d_cid_ic=gaid%01${gaid}&d_cid_ic=DSID_20914%01${gaid}&d_cid=20914%01NOT-A-GAID&d_rtbd=json`,
		);
		const body = await res.json<{ stored: unknown[]; errors: Array<{ code: number }> }>();
		expect(body.stored).toEqual([{ dpid: 20914, dpuuid: gaid }]);
		// DSID_20914 is not a code once the operator's partner holds the DPID; a malformed GAID is 312.
		expect(body.errors.map((e) => e.code)).toEqual([300, 312, 300]);
	});
});

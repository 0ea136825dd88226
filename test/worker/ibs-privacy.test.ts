import { TCModel, TCString } from "@iabtcf/core";
import { beforeEach, describe, expect, it } from "vitest";
import type { PairMessage } from "../../core/graph/pair-event";
import { testGvl } from "../support/test-gvl";
import { call, callWith, uuidCookie, uuidFrom } from "./support/edge";
import { seedPartner } from "./support/partners";
import { watchPairSends } from "./support/queue-spy";
import { beyondLimit } from "./support/rate-limit";

let sent: PairMessage[];
beforeEach(async () => {
	sent = watchPairSends();
	await seedPartner({ dpid: 1000, redirectHosts: ["partner.example"] });
});

const REDIR = `&redir=${encodeURIComponent("https://partner.example/s?u=${DD_UUID}")}`;
const KNOWN = `uuid=${"7".repeat(38)}`;

describe("/ibs without consent stores nothing and sets no cookie, but still answers", () => {
	for (const [name, signal] of [
		["gdpr=1 without a consent string", "&gdpr=1"],
		["gdpr=1 with an empty consent string", "&gdpr=1&gdpr_consent="],
		["gdpr=1 with a string that does not decode", "&gdpr=1&gdpr_consent=not-a-tc-string"],
		["us_privacy opt-out of sale", "&us_privacy=1YYN"],
	] as const) {
		it(name, async () => {
			const pixel = await call(`/ibs:dpid=1000&dpuuid=abc${signal}`, { cookie: KNOWN });
			expect(pixel.status).toBe(200);
			expect(pixel.headers.get("Content-Type")).toBe("image/gif");
			expect(uuidCookie(pixel)).toBeNull();

			const redirect = await call(`/ibs:dpid=1000&dpuuid=abc${signal}${REDIR}`, { cookie: KNOWN });
			expect(redirect.status).toBe(302);
			expect(redirect.headers.get("Location")).toBe("https://partner.example/s?u=");

			const json = await call(`/ibs:dpid=1000&dpuuid=abc${signal}&d_rtbd=json`);
			expect(json.headers.get("X-Error")).toBe("315");
			// AAM's shape without a uuid: none may be given.
			expect(await json.json()).toEqual({
				stuff: [],
				dcs_region: 7,
				tid: expect.any(String),
				errors: [{ code: 315, msg: "Consent string indicates no consent" }],
				stored: [],
				skipped: [{ dpid: 1000, reason: "no consent" }],
			});
			expect(sent).toEqual([]);
		});
	}

	it("gdpr=0 and us_privacy without opt-out store as usual", async () => {
		await call("/ibs:dpid=1000&dpuuid=a&gdpr=0", { cookie: KNOWN });
		await call("/ibs:dpid=1000&dpuuid=b&us_privacy=1YNN", { cookie: KNOWN });
		await call("/ibs:dpid=1000&dpuuid=c&us_privacy=1---", { cookie: KNOWN });
		expect(sent.map((m) => m.pairs[0]?.dpuuid)).toEqual(["a", "b", "c"]);
	});

	it("with CONSENT_DEFAULT=deny, a call without any signal stores nothing", async () => {
		const res = await callWith({ CONSENT_DEFAULT: "deny" }, "/ibs:dpid=1000&dpuuid=abc", { cookie: KNOWN });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(sent).toEqual([]);
		await callWith({ CONSENT_DEFAULT: "deny" }, "/ibs:dpid=1000&dpuuid=abc&gdpr=0", { cookie: KNOWN });
		expect(sent).toHaveLength(1);
	});
});

describe("opted-out (NOTARGET) visitors", () => {
	it("are never stored again; their opt-out cookie is renewed for 10 years", async () => {
		const res = await call(`/ibs:dpid=1000&dpuuid=abc${REDIR}`, { cookie: "uuid=NOTARGET" });
		expect(res.status).toBe(302);
		expect(res.headers.get("Location")).toBe("https://partner.example/s?u=");
		// AAM's answer for an opted-out visitor: error 171 instead of a UUID.
		expect(res.headers.get("X-Error")).toBe("171");
		const json = await call("/ibs:dpid=1000&dpuuid=abc&d_rtbd=json", { cookie: "uuid=NOTARGET" });
		const body = await json.json();
		expect(body).toMatchObject({ errors: [{ code: 171, msg: "Encountered opt out tag" }], stored: [] });
		expect(body).not.toHaveProperty("uuid");
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET; Max-Age=315360000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
		expect(sent).toEqual([]);
	});
});

describe("cookie bounce for cross-site calls without our cookie", () => {
	const crossSite = { "Sec-Fetch-Site": "cross-site" };

	it("first leg: sets a cookie and redirects to itself with a marker, storing nothing yet", async () => {
		const res = await call(`/ibs:dpid=1000&dpuuid=abc${REDIR}`, { headers: crossSite });
		expect(res.status).toBe(302);
		const location = new URL(res.headers.get("Location") ?? "");
		expect(location.pathname).toBe(
			"/ibs:dpid=1000&dpuuid=abc&redir=https%3A%2F%2Fpartner.example%2Fs%3Fu%3D%24%7BDD_UUID%7D",
		);
		expect(location.searchParams.get("es_cb")).toBe("1");
		expect(uuidFrom(res)).toMatch(/^\d{38}$/);
		expect(sent).toEqual([]);
	});

	it("second leg with the cookie back: stores the pair under that UUID", async () => {
		const first = await call("/ibs:dpid=1000&dpuuid=abc", { headers: crossSite });
		const uuid = uuidFrom(first);
		const second = await call(`${new URL(first.headers.get("Location") ?? "").pathname}?es_cb=1`, {
			headers: crossSite,
			cookie: `uuid=${uuid}`,
		});
		expect(second.status).toBe(200);
		expect(sent).toEqual([{ v: 1, uuid, at: expect.any(Number), pairs: [{ dpid: 1000, dpuuid: "abc" }] }]);
	});

	it("second leg without the cookie: cookies are blocked, so nothing is stored and no UUID is minted", async () => {
		const res = await call(`/ibs:dpid=1000&dpuuid=abc&d_rtbd=json&es_cb=1`, { headers: crossSite });
		expect(res.headers.get("X-Error")).toBe("172");
		const body = await res.json();
		expect(body).toMatchObject({
			errors: [{ code: 172, msg: "Blocked cookies" }],
			stored: [],
			skipped: [{ dpid: 1000, reason: "cookies blocked" }],
		});
		expect(body).not.toHaveProperty("uuid");
		expect(uuidCookie(res)).toBeNull();
		expect(sent).toEqual([]);
	});

	it("same-site and cookie-less non-browser calls are not bounced", async () => {
		const sameSite = await call("/ibs:dpid=1000&dpuuid=abc", { headers: { "Sec-Fetch-Site": "same-site" } });
		expect(sameSite.status).toBe(200);
		const plain = await call("/ibs:dpid=1000&dpuuid=def");
		expect(plain.status).toBe(200);
		expect(sent).toHaveLength(2);
	});
});

describe("cookie settings", () => {
	it("SameSite=None and a Domain for an edge on another site", async () => {
		const res = await callWith({ COOKIE_SAMESITE: "None", COOKIE_DOMAIN: "edge.example" }, "/ibs:dpid=1000&dpuuid=a");
		expect(uuidCookie(res)).toMatch(/; Path=\/; Domain=edge\.example; HttpOnly; Secure; SameSite=None$/);
	});

	it("a misconfigured deployment fails loudly instead of guessing", async () => {
		const res = await callWith({ COOKIE_SAMESITE: "Sometimes" }, "/ibs:dpid=1000&dpuuid=a");
		expect(res.status).toBe(500);
	});
});

describe("TCF consent per partner", () => {
	function tcString(vendors: number[]): string {
		const model = new TCModel(testGvl([1234, 77, 88]));
		model.cmpId = 10;
		model.cmpVersion = 1;
		model.purposeConsents.set(1);
		model.vendorConsents.set(vendors);
		return TCString.encode(model);
	}

	it("stores the pair only for partners whose TCF vendor has consent", async () => {
		await seedPartner({ dpid: 2000, tcfVendorId: 77 });
		await seedPartner({ dpid: 3000, tcfVendorId: 88 });
		const consent = encodeURIComponent(tcString([1234, 77]));
		const res = await call(`/ibs:d_cid=2000%01a&d_cid=3000%01b&gdpr=1&gdpr_consent=${consent}&d_rtbd=json`, {
			cookie: KNOWN,
		});
		expect(await res.json()).toMatchObject({
			uuid: "7".repeat(38),
			errors: [{ code: 315, msg: "Consent string indicates no consent" }],
			stored: [{ dpid: 2000, dpuuid: "a" }],
			skipped: [{ dpid: 3000, reason: "no consent" }],
		});
		expect(uuidCookie(res)).not.toBeNull();
		expect(sent.flatMap((m) => m.pairs)).toEqual([{ dpid: 2000, dpuuid: "a" }]);
	});

	it("without consent for the edge's own vendor nothing is stored and no cookie is set", async () => {
		await seedPartner({ dpid: 2000, tcfVendorId: 77 });
		const consent = encodeURIComponent(tcString([77]));
		const res = await call(`/ibs:dpid=2000&dpuuid=a&gdpr=1&gdpr_consent=${consent}`, { cookie: KNOWN });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(sent).toEqual([]);
	});
});

describe("rate limits", () => {
	it("refuses a visitor's 121st sync call in a minute with 429, storing nothing for it", async () => {
		const cookie = (attempt: number) => `uuid=${String(attempt).repeat(38)}`;
		let sentBefore = 0;
		const refused = await beyondLimit(
			120,
			async (i, attempt) => {
				if (i === 0) sentBefore = sent.length;
				expect((await call(`/ibs:dpid=1000&dpuuid=u${i}`, { cookie: cookie(attempt) })).status).toBe(200);
			},
			(attempt) => call("/ibs:dpid=1000&dpuuid=last&d_rtbd=json", { cookie: cookie(attempt) }),
		);
		expect(refused.status).toBe(429);
		expect(await refused.json()).toEqual({ error: "too many sync calls for this visitor; slow down" });
		expect(uuidCookie(refused)).toBeNull();
		expect(sent.length - sentBefore).toBe(120);
		expect((await call("/ibs:dpid=1000&dpuuid=other", { cookie: KNOWN })).status).toBe(200);
	});

	it("IBS_RATE_LIMITS=false lets a deployment that limits in front of the Worker turn them off", async () => {
		const cookie = (attempt: number) => `uuid=${String(attempt + 5).repeat(38)}`;
		const [limited, unlimited] = await beyondLimit(
			120,
			async (i, attempt) => {
				await call(`/ibs:dpid=1000&dpuuid=v${i}`, { cookie: cookie(attempt) });
			},
			async (attempt) => [
				await call("/ibs:dpid=1000&dpuuid=again", { cookie: cookie(attempt) }),
				await callWith({ IBS_RATE_LIMITS: "false" }, "/ibs:dpid=1000&dpuuid=again", { cookie: cookie(attempt) }),
			],
		);
		expect(limited?.status).toBe(429);
		expect(unlimited?.status).toBe(200);
	});

	it("refuses an address's 601st call in a minute", async () => {
		const headers = (attempt: number) => ({ "CF-Connecting-IP": `192.0.2.${7 + attempt}` });
		const refused = await beyondLimit(
			600,
			async (i, attempt) => {
				expect((await call(`/ibs:dpid=1000&dpuuid=u${i}`, { headers: headers(attempt) })).status).toBe(200);
			},
			(attempt) => call("/ibs:dpid=1000&dpuuid=last", { headers: headers(attempt) }),
		);
		expect(refused.status).toBe(429);
		expect(refused.headers.get("X-Edgesync-Reason")).toBe("too many sync calls from this address; slow down");
	});
});

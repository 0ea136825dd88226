import { beforeEach, describe, expect, it } from "vitest";
import { call, uuidCookie } from "./support/edge";
import { seedPartner } from "./support/partners";
import { watchPairSends } from "./support/queue-spy";

let sent: unknown[];
beforeEach(async () => {
	sent = watchPairSends();
	await seedPartner({ dpid: 1000, redirectHosts: ["partner.example", "*.cdn.partner.example"] });
});

const enc = encodeURIComponent;

/** Calls AAM's DCS cannot read as a whole: refused with 400, nothing stored, no cookie. */
const REFUSED_CALLS: Array<[string, string, RegExp, string | null]> = [
	["missing dpid", "/ibs", /dpid is missing/, null],
	["invalid UTF-8 dpuuid", "/ibs:dpid=1000&dpuuid=%FF%FE", /not valid UTF-8/, "311"],
	["invalid UTF-8 in d_cid", "/ibs:d_cid=1000%01%C3%28", /not valid UTF-8/, "311"],
	["malformed gdpr flag", "/ibs:dpid=1000&dpuuid=abc&gdpr=2", /gdpr/, null],
	["malformed us_privacy", "/ibs:dpid=1000&dpuuid=abc&us_privacy=zzzz", /us_privacy/, null],
];

/** IDs AAM judges one by one: each is skipped with error 300 (104 when none was valid), nothing stored. */
const INVALID_IDS: Array<[string, string, RegExp]> = [
	["unknown dpid", "/ibs:dpid=999&dpuuid=abc", /unknown dpid 999/],
	["unknown dpid alone", "/ibs:dpid=999", /unknown dpid 999/],
	["dpid not an integer", "/ibs:dpid=abc&dpuuid=abc", /dpid must be a positive integer/],
	["fractional dpid", "/ibs:dpid=1000.5&dpuuid=abc", /dpid must be a positive integer/],
	["negative dpid", "/ibs:dpid=-1000&dpuuid=abc", /dpid must be a positive integer/],
	["dpuuid without dpid", "/ibs:dpuuid=abc", /dpuuid given without dpid/],
	["empty dpuuid", "/ibs:dpid=1000&dpuuid=", /dpuuid is empty/],
	["257-byte dpuuid", `/ibs:dpid=1000&dpuuid=${"a".repeat(257)}`, /longer than 256 bytes/],
	["256 bytes counted as UTF-8", `/ibs:dpid=1000&dpuuid=${enc("é".repeat(129))}`, /longer than 256 bytes/],
	["control character", "/ibs:dpid=1000&dpuuid=a%01b", /control characters/],
	["newline", "/ibs:dpid=1000&dpuuid=a%0Ab", /control characters/],
	["bad d_cid shape", "/ibs:d_cid=1000", /d_cid must be/],
	["bad auth state", "/ibs:d_cid=1000%01abc%017", /auth state/],
	["unknown integration code", "/ibs:d_cid_ic=nope%01abc", /unknown integration code/],
];

const BAD_REDIRECTS = [
	"//evil.example/x",
	"https://partner.example.evil.com/x",
	"https://evil.com/?partner.example",
	"javascript:alert(1)",
	"https://partner.example@evil.com/",
	"https://user:pw@partner.example/",
	"https://evil.com\\@partner.example/",
	"https:\\\\evil.com",
	"https://part\tner.example/",
	"ftp://partner.example/",
	"data:text/html,hi",
	"cdn.partner.example/x",
	"https://cdn.partner.example/x", // the wildcard covers subdomains only
	`https://partner.example/${"a".repeat(2100)}`,
];

describe("/ibs refuses a call it cannot read as a whole with 400 and a reason, storing nothing and setting no cookie", () => {
	it.each(REFUSED_CALLS)("%s", async (_name, path, reason, xError) => {
		const res = await call(path);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(reason);
		expect(res.headers.get("X-Edgesync-Reason")).toMatch(reason);
		expect(res.headers.get("X-Error")).toBe(xError);
		expect(uuidCookie(res)).toBeNull();
		expect(sent).toEqual([]);
	});

	it("answers AAM's 311 in JSON for a call with bytes it cannot decode", async () => {
		const res = await call("/ibs:d_cid=1000%01ok&d_cid=1000%01%FF&d_rtbd=json");
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ errors: [{ code: 311, msg: "Request contains invalid parameters" }] });
		expect(sent).toEqual([]);
	});

	it.each(BAD_REDIRECTS)("redir %s is never followed", async (redir) => {
		const res = await call(`/ibs:dpid=1000&dpuuid=abc&redir=${enc(redir)}`);
		expect(res.status).toBe(400);
		expect(res.headers.get("Location")).toBeNull();
		expect(await res.text()).toMatch(/redir/);
		expect(sent).toEqual([]);
	});

	it("a redir with pairs of several partners and no dpid cannot pick an allow-list", async () => {
		await seedPartner({ dpid: 2000, redirectHosts: ["evil.com"] });
		const res = await call(`/ibs:d_cid=1000%01a&d_cid=2000%01b&redir=${enc("https://evil.com/")}`);
		expect(res.status).toBe(400);
		expect(res.headers.get("Location")).toBeNull();
	});

	it("answers an image to image requests, text to others and JSON to d_rtbd=json", async () => {
		const bad = `/ibs:dpid=1000&dpuuid=abc&redir=${enc("https://evil.com/")}`;
		const asImage = await call(bad, { headers: { Accept: "image/avif,image/*,*/*;q=0.8" } });
		expect(asImage.status).toBe(400);
		expect(asImage.headers.get("Content-Type")).toBe("image/gif");
		const asText = await call(bad);
		expect(asText.headers.get("Content-Type")).toMatch(/^text\/plain/);
		const asJson = await call(`${bad}&d_rtbd=json`);
		expect(asJson.status).toBe(400);
		expect(await asJson.json()).toEqual({ error: expect.stringMatching(/redir/) });
	});

	it("refuses URLs over 8 KB with 414", async () => {
		const res = await call(`/ibs:dpid=1000&dpuuid=abc&junk=${"x".repeat(9000)}`);
		expect(res.status).toBe(414);
		expect(sent).toEqual([]);
	});

	it("treats a forged uuid cookie as absent and mints a real one", async () => {
		for (const forged of ["123", "x".repeat(38), `${"1".repeat(38)}0`, "NOTARGET2"]) {
			const res = await call("/ibs:dpid=1000&dpuuid=abc", { cookie: `uuid=${forged}` });
			expect(res.status).toBe(200);
			const value = uuidCookie(res)?.match(/^uuid=(\d+);/)?.[1];
			expect(value).toMatch(/^\d{38}$/);
			expect(value).not.toBe(forged);
		}
	});
});

describe("/ibs judges each declared ID on its own, as AAM's DCS does", () => {
	it.each(INVALID_IDS)("%s: skipped with error 300, the call still answered", async (_name, path, reason) => {
		const pixel = await call(path);
		expect(pixel.status).toBe(200);
		expect(pixel.headers.get("Content-Type")).toBe("image/gif");
		expect(pixel.headers.get("X-Error")).toBe("300,104");
		const json = await call(`${path}&d_rtbd=json`);
		const body = await json.json<{ errors: Array<{ code: number; msg: string; reason?: string }> }>();
		expect(body.errors).toEqual([
			{ code: 300, msg: expect.stringMatching(/^Invalid customer id /), reason: expect.stringMatching(reason) },
			{ code: 104, msg: "All customer IDs are invalid" },
		]);
		expect(sent).toEqual([]);
	});

	it("stores the valid IDs of a call and reports the invalid ones", async () => {
		const res = await call("/ibs:d_cid=1000%01good&d_cid=999%01x&d_cid_ic=nope%01y&d_cid=1000%01also&d_rtbd=json");
		expect(res.status).toBe(200);
		expect(res.headers.get("X-Error")).toBe("300");
		const body = await res.json<{ stored: unknown[]; errors: unknown[] }>();
		expect(body.stored).toEqual([
			{ dpid: 1000, dpuuid: "good" },
			{ dpid: 1000, dpuuid: "also" },
		]);
		expect(body.errors).toEqual([
			{ code: 300, msg: "Invalid customer id 999%01x", reason: "unknown dpid 999" },
			{ code: 300, msg: "Invalid customer id nope%01y", reason: 'unknown integration code "nope"' },
		]);
		expect(sent.flatMap((m) => (m as { pairs: unknown[] }).pairs)).toEqual(body.stored);
	});

	it("at most 3 IDs of one data source (310 for the rest), in the order of the URL", async () => {
		const ids = ["a", "b", "c", "d", "e"].map((u) => `d_cid=1000%01${u}`).join("&");
		const res = await call(`/ibs:${ids}&d_rtbd=json`);
		expect(res.headers.get("X-Error")).toBe("310");
		const body = await res.json<{ stored: Array<{ dpuuid: string }>; errors: unknown[] }>();
		expect(body.stored.map((s) => s.dpuuid)).toEqual(["a", "b", "c"]);
		expect(body.errors).toEqual(
			["d", "e"].map((u) => ({
				code: 310,
				msg: `Customer id was discarded because it exceeded the limit for a given namespace. Namespace id is 1000, customer id is ${u}.`,
				reason: "more than 3 IDs of one data source",
			})),
		);
	});

	it("at most 10 IDs per call: one 301 and a 309 for each ID past the tenth", async () => {
		for (const dpid of [2000, 3000, 4000]) await seedPartner({ dpid });
		const ids = [1000, 2000, 3000, 4000].flatMap((dpid) => [1, 2, 3].map((i) => `d_cid=${dpid}%01u${dpid}-${i}`));
		const res = await call(`/ibs:${ids.join("&")}&d_rtbd=json`);
		expect(res.headers.get("X-Error")).toBe("301,309");
		const body = await res.json<{ stored: unknown[]; errors: unknown[] }>();
		expect(body.stored).toHaveLength(10);
		expect(body.errors).toEqual([
			{
				code: 301,
				msg: "Maximum number of customer ids exceeded. Maximum allowed is 10. Found is 12.",
				reason: "more than 10 IDs in one call",
			},
			...["u4000-2", "u4000-3"].map((id) => ({
				code: 309,
				msg: `Customer id ${id} was discarded because it exceeded the limit of declared customer ids per request`,
				reason: "more than 10 IDs in one call",
			})),
		]);
		expect(sent.flatMap((m) => (m as { pairs: unknown[] }).pairs)).toHaveLength(10);
	});

	it("a flood of IDs costs no more than reading them: 400 d_cid store 3 and report the rest", async () => {
		const ids = Array.from({ length: 400 }, (_, i) => `d_cid=1000%01u${i}`).join("&");
		const res = await call(`/ibs:${ids}&d_rtbd=json`);
		expect(res.status).toBe(200);
		const body = await res.json<{ stored: unknown[]; errors: unknown[] }>();
		expect(body.stored).toHaveLength(3);
		expect(body.errors).toHaveLength(397);
	});

	it("answers d_rtbd=json in AAM's shape, edgesync's fields beside it", async () => {
		const res = await call("/ibs:dpid=1000&dpuuid=abc&d_rtbd=json");
		expect(res.headers.get("X-Error")).toBeNull();
		const body = await res.json();
		expect(body).toEqual({
			stuff: [],
			uuid: expect.stringMatching(/^\d{38}$/),
			dcs_region: 7,
			tid: expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/),
			stored: [{ dpid: 1000, dpuuid: "abc" }],
		});
		expect(Object.keys(body as object).slice(0, 4)).toEqual(["stuff", "uuid", "dcs_region", "tid"]);
	});
});

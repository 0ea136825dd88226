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

const BAD_CALLS: Array<[string, string, RegExp]> = [
	["unknown dpid", "/ibs:dpid=999&dpuuid=abc", /unknown dpid 999/],
	["dpid not an integer", "/ibs:dpid=abc&dpuuid=abc", /dpid must be a positive integer/],
	["fractional dpid", "/ibs:dpid=1000.5&dpuuid=abc", /dpid must be a positive integer/],
	["negative dpid", "/ibs:dpid=-1000&dpuuid=abc", /dpid must be a positive integer/],
	["missing dpid", "/ibs", /dpid is missing/],
	["dpuuid without dpid", "/ibs:dpuuid=abc", /dpuuid given without dpid/],
	["empty dpuuid", "/ibs:dpid=1000&dpuuid=", /dpuuid is empty/],
	["257-byte dpuuid", `/ibs:dpid=1000&dpuuid=${"a".repeat(257)}`, /longer than 256 bytes/],
	["256 bytes counted as UTF-8", `/ibs:dpid=1000&dpuuid=${enc("é".repeat(129))}`, /longer than 256 bytes/],
	["invalid UTF-8 dpuuid", "/ibs:dpid=1000&dpuuid=%FF%FE", /not valid UTF-8/],
	["control character", "/ibs:dpid=1000&dpuuid=a%01b", /control characters/],
	["newline", "/ibs:dpid=1000&dpuuid=a%0Ab", /control characters/],
	["bad d_cid shape", "/ibs:d_cid=1000", /d_cid must be/],
	["bad auth state", "/ibs:d_cid=1000%01abc%017", /auth state/],
	["unknown integration code", "/ibs:d_cid_ic=nope%01abc", /unknown integration code/],
	["21 pairs", `/ibs:${Array.from({ length: 21 }, (_, i) => `d_cid=1000%01u${i}`).join("&")}`, /at most 20/],
	["100 pairs", `/ibs:${Array.from({ length: 100 }, (_, i) => `d_cid=1000%01u${i}`).join("&")}`, /at most 20/],
	["malformed gdpr flag", "/ibs:dpid=1000&dpuuid=abc&gdpr=2", /gdpr/],
	["malformed us_privacy", "/ibs:dpid=1000&dpuuid=abc&us_privacy=zzzz", /us_privacy/],
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

describe("/ibs rejects bad input with 400 and a reason, storing nothing and setting no cookie", () => {
	it.each(BAD_CALLS)("%s", async (_name, path, reason) => {
		const res = await call(path);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(reason);
		expect(res.headers.get("X-Edgesync-Reason")).toMatch(reason);
		expect(uuidCookie(res)).toBeNull();
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
		const asImage = await call("/ibs:dpid=999&dpuuid=abc", { headers: { Accept: "image/avif,image/*,*/*;q=0.8" } });
		expect(asImage.status).toBe(400);
		expect(asImage.headers.get("Content-Type")).toBe("image/gif");
		const asJson = await call("/ibs:dpid=999&dpuuid=abc&d_rtbd=json");
		expect(asJson.status).toBe(400);
		expect(await asJson.json()).toEqual({ error: "unknown dpid 999", details: ["unknown dpid 999"] });
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

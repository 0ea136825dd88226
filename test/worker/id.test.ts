import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { signFpid, verifiedFpid } from "../../worker/identity/fpid";
import { call, callWith, uuidCookie, uuidFrom } from "./support/edge";
import { seedPartner } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

const SITE = "https://site.example"; // SITE_ORIGINS in vitest.config.ts
const U = "3".repeat(38);
const DAY = 86_400_000;

type IdAnswer = {
	uuid: string;
	fpid?: string;
	optout?: boolean;
	syncs: Array<{ dpid: number; url: string; type: string }>;
};
/** A signed copy to send as `fpid` (an input; answers are checked against SIGNED_U and expectedFpid). */
const signed = (uuid: string) => signFpid(uuid, env.FPID_SECRET);
/** U's signed copy under the tests' FPID_SECRET, worked out outside the edge. */
const SIGNED_U = "33333333333333333333333333333333333333.Dh6dX9TLp6nWEtP47F4wPA";

/**
 * The signed copy the edge must answer for a UUID it minted, worked out here from the documented
 * construction (HMAC-SHA-256 over "edgesync fpid", NUL, the UUID; 16 bytes, base64url), not by the edge's code.
 */
async function expectedFpid(uuid: string): Promise<string> {
	const enc = new TextEncoder();
	const key = await crypto.subtle.importKey(
		"raw",
		enc.encode(env.FPID_SECRET),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`edgesync fpid\0${uuid}`)), 0, 16);
	const base64 = btoa(String.fromCharCode(...mac));
	return `${uuid}.${base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

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

	it("answers the signed copy of the UUID for the tag's first-party cookie", async () => {
		const body = await (await call("/id", { cookie: `uuid=${U}` })).json<IdAnswer>();
		expect(body.fpid).toMatch(new RegExp(`^${U}\\.[A-Za-z0-9_-]{22}$`));
		expect(body.fpid).toBe(SIGNED_U);
		expect(await expectedFpid(U)).toBe(SIGNED_U);
		expect(await verifiedFpid(body.fpid, env.FPID_SECRET)).toBe(U);
		const minted = await (await call("/id")).json<IdAnswer>();
		expect(minted.fpid).toBe(await expectedFpid(minted.uuid));
	});

	it("keeps the cookie's UUID, and falls back to a signed fpid only when the cookie is missing", async () => {
		const fromCookie = await (
			await call(`/id?fpid=${await signed("9".repeat(38))}`, { cookie: `uuid=${U}` })
		).json<IdAnswer>();
		expect(fromCookie.uuid).toBe(U);
		const fromFpid = await call(`/id?fpid=${await signed(U)}`);
		expect((await fromFpid.json<IdAnswer>()).uuid).toBe(U);
		expect(uuidFrom(fromFpid)).toBe(U);
	});

	it("never adopts an unsigned or forged fpid: the caller is a new visitor", async () => {
		const copy = await signed(U);
		const mac = copy.slice(39);
		const flipped = `${mac.slice(0, 5)}${mac[5] === "A" ? "B" : "A"}${mac.slice(6)}`;
		const forgeries = {
			unsigned: U,
			"forged MAC": `${U}.${flipped}`,
			"MAC of another UUID": `${U}.${(await signed("9".repeat(38))).slice(39)}`,
			"MAC made with another secret": await signFpid(U, "another-fpid-secret-3Hs8Kd2Lq6Wz9Xc4Vb7Nm1"),
			truncated: copy.slice(0, -1),
			"MAC only": mac,
			"no UUID": `.${mac}`,
			"extra character": `${copy}A`,
			"not base64url": `${U}.${mac.slice(0, 21)}+`,
			junk: "x".repeat(38),
			NOTARGET: "NOTARGET",
		};
		for (const [name, forged] of Object.entries(forgeries)) {
			const res = await call(`/id?fpid=${encodeURIComponent(forged)}`);
			const body = await res.json<IdAnswer>();
			expect(body.uuid, name).toMatch(/^\d{38}$/);
			expect(body.uuid, name).not.toBe(U);
			expect(uuidFrom(res), name).toBe(body.uuid);
			expect(body.fpid, name).toBe(await expectedFpid(body.uuid));
		}
	});

	it("a forged fpid reveals nothing of the visitor it names (no syncs as if it were them)", async () => {
		await pairStoreOf(env).upsert([{ dpid: 1000, dpuuid: "a", uuid: U, at: Date.now() }]);
		const asVisitor = await (await call(`/id?fpid=${await signed(U)}`)).json<IdAnswer>();
		expect(asVisitor.syncs.map((s) => s.dpid)).toEqual([2000]);
		const asStranger = await (await call(`/id?fpid=${U}`)).json<IdAnswer>();
		expect(asStranger.syncs.map((s) => s.dpid)).toEqual([1000, 2000]);
	});

	it("offers only partners whose pair is missing or older than their resync interval", async () => {
		const now = Date.now();
		await pairStoreOf(env).upsert([
			{ dpid: 1000, dpuuid: "a", uuid: U, at: now - 2 * DAY }, // 7-day interval: fresh
			{ dpid: 2000, dpuuid: "b", uuid: U, at: now - 2 * DAY }, // 1-day interval: due
		]);
		const body = await (await call("/id", { cookie: `uuid=${U}` })).json<IdAnswer>();
		expect(body.syncs.map((s) => s.dpid)).toEqual([2000]);
	});

	it("caps the syncs per call, never-synced partners first", async () => {
		await pairStoreOf(env).upsert([{ dpid: 2000, dpuuid: "b", uuid: U, at: Date.now() - 30 * DAY }]);
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
		await pairStoreOf(env).forgetVisitor(U, Date.now());
		const byFpid = await call(`/id?fpid=${await signed(U)}`);
		expect(await byFpid.json()).toEqual({ uuid: "NOTARGET", optout: true, syncs: [] });
		expect(uuidFrom(byFpid)).toBe("NOTARGET");
		// Opted out by a server call, the browser still holding its uuid cookie: /id asks the graph.
		const byOldCookie = await call("/id", { cookie: `uuid=${U}` });
		expect(await byOldCookie.json()).toEqual({ uuid: "NOTARGET", optout: true, syncs: [] });
		expect(uuidFrom(byOldCookie)).toBe("NOTARGET");
	});

	it("limits an address (an IPv6 client by its /64): the 601st call in a minute is a 429 that writes no cookie", async () => {
		// Cheap calls (no consent: nothing read or written) still count against the allowance.
		const refused = await beyondLimit(
			600,
			async (i, attempt) => {
				const headers = { "CF-Connecting-IP": `2001:db8:1d:1${attempt}:${i.toString(16)}::1` };
				expect((await call("/id?gdpr=1", { headers })).status).toBe(200);
			},
			(attempt) => call("/id", { headers: { "CF-Connecting-IP": `2001:db8:1d:1${attempt}:ffff::7` } }),
		);
		expect(refused.status).toBe(429);
		expect(await refused.json()).toEqual({ error: "too many /id calls from this address; slow down" });
		expect(uuidCookie(refused)).toBeNull();
		const otherPrefix = await call("/id", { headers: { "CF-Connecting-IP": "2001:db8:1d:2::1" } });
		expect(otherPrefix.status).toBe(200);
		expect(uuidCookie(otherPrefix)).not.toBeNull();
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

	it("a page outside SITE_ORIGINS gets a 403 and no cookie: it could not read the answer anyway", async () => {
		for (const origin of ["https://evil.example", "null", "https://site.example.evil.example"]) {
			const res = await call("/id", { headers: { Origin: origin }, cookie: `uuid=${U}` });
			expect(res.status).toBe(403);
			expect(await res.json()).toEqual({ error: "this page's origin is not one of the edge's SITE_ORIGINS" });
			expect(res.headers.get("Set-Cookie")).toBeNull();
			expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
		}
		// The site's pages, the edge's own pages (/demo) and calls without Origin (an <img>, curl) go on.
		const callers: Record<string, string>[] = [{ Origin: SITE }, { Origin: "https://edge.example" }, {}];
		for (const headers of callers) {
			const res = await call("/id", { headers, cookie: `uuid=${U}` });
			expect(res.status).toBe(200);
			expect(uuidFrom(res)).toBe(U);
		}
	});

	it("rejects malformed consent parameters with a JSON 400", async () => {
		const res = await call("/id?gdpr=yes");
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: expect.stringMatching(/gdpr/) });
	});
});

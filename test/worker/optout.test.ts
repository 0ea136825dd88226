import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { signFpid } from "../../worker/identity/fpid";
import { call, uuidCookie } from "./support/edge";
import { seedPartner, seedPartnersWithKeys } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

const U = "4".repeat(38);
const OTHER = "5".repeat(38);
/** At most this many partner IDs per opt-out call (stated, not read from worker/optout). */
const MAX_OPT_OUT_IDS_PER_CALL = 10;

const signed = (uuid: string) => signFpid(uuid, env.FPID_SECRET);

// Every partner ID this file names, in (dpid, dpuuid) order: the graph is asked about each through the
// store (whichever holds it), never by reading a table.
const HELD: Array<[number, string]> = [
	[1000, "a"],
	[1000, "c"],
	[2000, "b"],
];
const NAMED: Array<[number, string]> = [
	...HELD,
	...Array.from({ length: 11 }, (_, i): [number, string] => [1000, `x${i}`]),
	...Array.from({ length: MAX_OPT_OUT_IDS_PER_CALL }, (_, i): [number, string] => [2000, `made-up-${i}`]),
	...Array.from({ length: 40 }, (_, i): [number, string] => [1000, `unknown-${i}`]),
];

async function partnerOptOuts() {
	const records = await Promise.all(NAMED.map(([dpid, dpuuid]) => pairStoreOf(env).partnerId(dpid, dpuuid)));
	return records.filter((r) => r.optedOutAt !== null).map(({ dpid, dpuuid }) => ({ dpid, dpuuid }));
}

async function pairs() {
	const records = await Promise.all(HELD.map(([dpid, dpuuid]) => pairStoreOf(env).partnerId(dpid, dpuuid)));
	return records.filter((r) => r.uuid !== null).map(({ dpid, dpuuid, uuid }) => ({ dpid, dpuuid, uuid }));
}

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await seedPartner({ dpid: 2000, integrationCode: "ic-2000" });
	const at = Date.now();
	await pairStoreOf(env).upsert([
		{ dpid: 1000, dpuuid: "a", uuid: U, at },
		{ dpid: 2000, dpuuid: "b", uuid: U, at },
		{ dpid: 1000, dpuuid: "c", uuid: OTHER, at },
	]);
});

describe("opt-out", () => {
	it("/demoptout marks the visitor NOTARGET and erases all their pairs", async () => {
		const res = await call("/demoptout", { cookie: `uuid=${U}` });
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("opted out");
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET; Max-Age=315360000;/);
		expect(await pairs()).toEqual([{ dpid: 1000, dpuuid: "c", uuid: OTHER }]);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(true);
	});

	it("/demoptout.jpg answers a pixel; the tag's signed fpid identifies a visitor whose cookie is hidden", async () => {
		const res = await call(`/demoptout.jpg?fpid=${await signed(U)}`);
		expect(res.headers.get("Content-Type")).toBe("image/gif");
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET;/);
		expect((await pairs()).map((p) => p.uuid)).toEqual([OTHER]);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(true);
	});

	it("a bare or forged fpid opts nobody out: knowing a visitor's UUID is not enough to erase them", async () => {
		const copy = await signed(U);
		const mac = copy.slice(39);
		const forgeries = [
			U, // bare: what the tag used to send, and what any partner that synced the visitor knows
			`${U}.${mac.slice(0, 7)}${mac[7] === "A" ? "B" : "A"}${mac.slice(8)}`, // forged MAC
			`${U}.${(await signed(OTHER)).slice(39)}`, // the MAC of another UUID
			copy.slice(0, -2), // truncated
			`${U}.`,
		];
		for (const forged of forgeries) {
			const res = await call(`/demoptout.jpg?fpid=${encodeURIComponent(forged)}`);
			expect(res.status, forged).toBe(200);
			// The caller's own browser is marked NOTARGET; nobody else loses anything.
			expect(uuidCookie(res), forged).toMatch(/^uuid=NOTARGET;/);
		}
		expect(await pairs()).toHaveLength(3);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(false);
	});

	it("a visitor with no UUID at all still gets the NOTARGET cookie", async () => {
		const res = await call("/demoptout?d_rtbd=json");
		expect(await res.json()).toEqual({ optout: true, message: "opted out" });
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET;/);
		expect(await pairs()).toHaveLength(3);
	});

	it("d_cid opts out one partner ID only, and it is never paired again", async () => {
		const res = await call("/demoptout?d_cid=1000%01a", { cookie: `uuid=${U}` });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(await pairs()).toEqual([
			{ dpid: 1000, dpuuid: "c", uuid: OTHER },
			{ dpid: 2000, dpuuid: "b", uuid: U },
		]);
		await pairStoreOf(env).upsert([{ dpid: 1000, dpuuid: "a", uuid: OTHER, at: Date.now() }]);
		expect((await pairs()).filter((p) => p.dpuuid === "a")).toEqual([]);
	});

	it("d_cid of an ID the graph does not hold leaves no row: made-up IDs cannot grow storage", async () => {
		const made = Array.from({ length: MAX_OPT_OUT_IDS_PER_CALL - 1 }, (_, i) => `d_cid=2000%01made-up-${i}`);
		const res = await call(`/demoptout?d_rtbd=json&d_cid=1000%01a&${made.join("&")}`);
		expect(res.status).toBe(200);
		// The same answer whether or not an ID was known: an opt-out is no oracle for the graph's contents.
		expect(await res.json()).toEqual({ optout: true, message: "opted out 10 partner ID(s)" });
		expect(await partnerOptOuts()).toEqual([{ dpid: 1000, dpuuid: "a" }]);
		expect((await pairs()).map((p) => p.dpuuid)).toEqual(["c", "b"]);
	});

	it(`more than ${MAX_OPT_OUT_IDS_PER_CALL} partner IDs in one call is a 400 that erases nothing`, async () => {
		const ids = ["d_cid=1000%01a", "d_cid_ic=ic-2000%01b"];
		for (let i = ids.length; i <= MAX_OPT_OUT_IDS_PER_CALL; i++) ids.push(`d_cid=1000%01x${i}`);
		const res = await call(`/demoptout?d_rtbd=json&${ids.join("&")}`);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			error: "at most 10 partner IDs per opt-out call (11 given)",
		});
		expect(await pairs()).toHaveLength(3);
		expect(await partnerOptOuts()).toEqual([]);
	});

	it("d_cid_ic opts out by integration code; /ibs's dpid/dpuuid spelling names a partner ID too", async () => {
		const res = await call("/demoptout?d_cid_ic=ic-2000%01b&dpid=1000&dpuuid=c", { cookie: `uuid=${U}` });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(await partnerOptOuts()).toEqual([
			{ dpid: 1000, dpuuid: "c" },
			{ dpid: 2000, dpuuid: "b" },
		]);
		expect((await pairs()).map((p) => p.dpuuid)).toEqual(["a"]);
	});

	it("a bad d_cid is a 400 and erases nothing", async () => {
		const res = await call("/demoptout?d_cid=999%01a");
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/unknown dpid 999/);
		expect(await pairs()).toHaveLength(3);
	});

	it("limits an address: the 31st opt-out in a minute is a 429 that erases nothing and writes no cookie", async () => {
		const headers = (attempt: number) => ({ "CF-Connecting-IP": `198.51.100.${31 + attempt}` });
		const fpid = await signed(U);
		const refusals = await beyondLimit(
			30,
			async (i, attempt) => {
				const res = await call(`/demoptout?d_cid=1000%01unknown-${i}`, { headers: headers(attempt) });
				expect(res.status).toBe(200);
			},
			async (attempt) => {
				const answers: Response[] = [];
				for (const path of [`/demoptout?fpid=${fpid}`, "/demoptout?d_cid=1000%01a"]) {
					answers.push(await call(path, { headers: headers(attempt), cookie: `uuid=${U}` }));
				}
				return answers;
			},
		);
		for (const refused of refusals) {
			expect(refused.status).toBe(429);
			expect(await refused.text()).toBe("too many opt-out calls from this address; slow down");
			expect(uuidCookie(refused)).toBeNull();
		}
		expect(await pairs()).toHaveLength(3);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(false);
		expect(await partnerOptOuts()).toEqual([]);
	});
});

describe("AAM's deprecated opt-out forms and d_uuid (Declared IDs: opt-out examples)", () => {
	const untouched = async () => {
		expect(await pairs()).toHaveLength(3);
		expect(await partnerOptOuts()).toEqual([]);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(false);
		expect(await pairStoreOf(env).isOptedOut(OTHER)).toBe(false);
	};

	it("demoptout.jpg?d_dpid=…&d_dpuuid=… opts out that partner ID, never the visitor holding the cookie", async () => {
		const res = await call("/demoptout.jpg?d_dpuuid=a&d_dpid=1000", { cookie: `uuid=${U}` });
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("image/gif");
		expect(uuidCookie(res)).toBeNull();
		expect(await partnerOptOuts()).toEqual([{ dpid: 1000, dpuuid: "a" }]);
		expect(await pairs()).toEqual([
			{ dpid: 1000, dpuuid: "c", uuid: OTHER },
			{ dpid: 2000, dpuuid: "b", uuid: U },
		]);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(false);
	});

	it("several d_dpid/d_dpuuid pairs in one call go by position; a d_dpid without its d_dpuuid is a 400", async () => {
		const res = await call("/demoptout?d_rtbd=json&d_dpid=1000&d_dpuuid=a&d_dpid=2000&d_dpuuid=b");
		expect(await res.json()).toEqual({ optout: true, message: "opted out 2 partner ID(s)" });
		expect(await partnerOptOuts()).toEqual([
			{ dpid: 1000, dpuuid: "a" },
			{ dpid: 2000, dpuuid: "b" },
		]);
		const half = await call("/demoptout?d_dpid=1000&d_dpuuid=c&d_dpid=2000", { cookie: `uuid=${OTHER}` });
		expect(half.status).toBe(400);
		expect(await half.text()).toBe("each d_dpid needs its d_dpuuid (2 d_dpid, 1 d_dpuuid)");
		expect(uuidCookie(half)).toBeNull();
		expect((await pairs()).map((p) => p.dpuuid)).toEqual(["c"]);
	});

	it("d_uuid of this browser's own visitor opts it out as /demoptout does", async () => {
		const res = await call(`/demoptout.jpg?d_uuid=${U}`, { cookie: `uuid=${U}` });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET;/);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(true);
		expect((await pairs()).map((p) => p.uuid)).toEqual([OTHER]);
	});

	it("d_uuid of anyone else is a 403 that erases nobody, the caller included", async () => {
		for (const cookie of [`uuid=${U}`, undefined]) {
			const res = await call(`/demoptout?d_uuid=${OTHER}`, cookie ? { cookie } : {});
			expect(res.status).toBe(403);
			expect(await res.text()).toBe(
				"d_uuid names a visitor other than this browser's; only its own browser or a partner's authenticated call may",
			);
			expect(uuidCookie(res)).toBeNull();
		}
		// A signed fpid proves only its own UUID.
		const fpid = await call(`/demoptout?d_uuid=${OTHER}&fpid=${await signed(U)}`);
		expect(fpid.status).toBe(403);
		await untouched();
	});

	it("d_uuid with partner IDs opts out those IDs and the device's own IDs of those partners, not the device", async () => {
		const res = await call(`/demoptout?d_rtbd=json&d_uuid=${U}&d_dpid=1000&d_dpuuid=c`, { cookie: `uuid=${U}` });
		expect(await res.json()).toEqual({ optout: true, message: "opted out 1 partner ID(s)" });
		expect(uuidCookie(res)).toBeNull();
		// c was OTHER's: blocked; a is U's ID of partner 1000: erased too; U's ID of 2000 stays.
		expect(await partnerOptOuts()).toEqual([
			{ dpid: 1000, dpuuid: "a" },
			{ dpid: 1000, dpuuid: "c" },
		]);
		expect(await pairs()).toEqual([{ dpid: 2000, dpuuid: "b", uuid: U }]);
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(false);
	});

	it("a partner's authenticated server call may name a visitor it is paired with by d_uuid", async () => {
		const keys = await seedPartnersWithKeys(1000, 3000);
		const strangers = [
			[{ Authorization: `Bearer ${keys[3000]}` }, 404, "DPID 3000 has no pair with that d_uuid"],
			[{ Authorization: "Bearer not-a-key" }, 401, "invalid partner key"],
		] as const;
		for (const [headers, status, error] of strangers) {
			const res = await call(`/demoptout?d_uuid=${U}`, { headers });
			expect(res.status).toBe(status);
			expect(await res.text()).toContain(error);
		}
		await untouched();
		const auth = { Authorization: `Bearer ${keys[1000]}` };
		const noTarget = await call("/demoptout", { headers: auth, cookie: `uuid=${OTHER}` });
		expect(noTarget.status).toBe(400);
		await untouched();
		// A partner's call opts out its own partner IDs only, never another partner's.
		const theirs = await call(`/demoptout?d_uuid=${U}&d_cid=2000%01b`, { headers: auth });
		expect(theirs.status).toBe(403);
		expect(await theirs.text()).toBe("a partner's authenticated call opts out DPID 1000's own IDs only");
		await untouched();
		const res = await call(`/demoptout?d_rtbd=json&d_uuid=${U}`, { headers: auth });
		expect(res.status).toBe(200);
		expect(uuidCookie(res)).toBeNull();
		expect(await pairStoreOf(env).isOptedOut(U)).toBe(true);
		expect((await pairs()).map((p) => p.uuid)).toEqual([OTHER]);
	});

	it("Experience Cloud IDs (d_mid, d_orgid) and malformed d_uuid are 400s that opt nobody out", async () => {
		const calls = [
			["/demoptout.jpg?d_mid=123&d_orgid=IMSoRGid", /^edgesync keeps no Experience Cloud IDs/],
			["/demoptout?d_uuid=123", /^d_uuid must be an edgesync UUID/],
			[`/demoptout?d_uuid=${U}&d_uuid=${U}`, /^d_uuid given more than once/],
		] as const;
		for (const [path, reason] of calls) {
			const res = await call(path, { cookie: `uuid=${U}` });
			expect(res.status, path).toBe(400);
			expect(await res.text(), path).toMatch(reason);
			expect(uuidCookie(res), path).toBeNull();
		}
		await untouched();
	});
});

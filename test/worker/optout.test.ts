import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { d1PairStore } from "../../worker/pairs/store";
import { call, uuidCookie } from "./support/edge";
import { seedPartner } from "./support/partners";

const U = "4".repeat(38);
const OTHER = "5".repeat(38);

async function pairs() {
	const { results } = await env.DB.prepare("SELECT dpid, dpuuid, uuid FROM id_pairs ORDER BY dpid, dpuuid").all();
	return results;
}

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await seedPartner({ dpid: 2000 });
	const at = Date.now();
	await d1PairStore(env.DB).upsert([
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
		expect(await d1PairStore(env.DB).isOptedOut(U)).toBe(true);
	});

	it("/demoptout.jpg answers a pixel; the tag's fpid identifies a visitor whose cookie is hidden", async () => {
		const res = await call(`/demoptout.jpg?fpid=${U}`);
		expect(res.headers.get("Content-Type")).toBe("image/gif");
		expect(uuidCookie(res)).toMatch(/^uuid=NOTARGET;/);
		expect((await pairs()).map((p) => p.uuid)).toEqual([OTHER]);
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
		await d1PairStore(env.DB).upsert([{ dpid: 1000, dpuuid: "a", uuid: OTHER, at: Date.now() }]);
		expect((await pairs()).filter((p) => p.dpuuid === "a")).toEqual([]);
	});

	it("a bad d_cid is a 400 and erases nothing", async () => {
		const res = await call("/demoptout?d_cid=999%01a");
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/unknown dpid 999/);
		expect(await pairs()).toHaveLength(3);
	});
});

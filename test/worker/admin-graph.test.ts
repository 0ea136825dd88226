import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { callWith } from "./support/edge";
import { seedPartner } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const U = "3".repeat(38);
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

// Written to both stores (as a deployment migrating to the shards does), then read from each in turn.
const both = () => pairStoreOf({ ...env, GRAPH_STORE: "d1+shards" });

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await seedPartner({ dpid: 2000 });
	await both().upsert(
		[
			{ dpid: 1000, dpuuid: "a-1", uuid: U, at: T0 },
			{ dpid: 2000, dpuuid: "b/2 x", uuid: U, at: T0 + 1000 },
		],
		T0,
	);
	await env.DB.prepare(
		"INSERT INTO traits (id, dpid, name, rule, created_at, updated_at) VALUES (7, 1000, 't7', NULL, 0, 0)",
	).run();
	await env.DB.prepare(
		"INSERT INTO segments (id, name, rule, created_at, updated_at) VALUES (3, 's3', 'T7', 0, 0)",
	).run();
	// Trait 7 given by partner 1000, which puts the visitor in segment 3 (rule T7).
	const change = { key: "seed", source: 1000, cleared: [], effects: [{ uuid: U, trait: 7, add: true }] };
	await both().applyTraits(change, [{ id: 3, tree: { op: "trait", id: 7 } }], T0);
});

// "shards+d1" reads the shards (plain "shards" refuses to serve while D1 holds a graph never copied).
describe.each(["d1", "shards+d1"])("the graph through the admin API, read from %s", (store) => {
	const get = (path: string, init: RequestInit = { headers: ADMIN }) => callWith({ GRAPH_STORE: store }, path, init);

	it("GET /api/v1/visitors/{uuid} answers the visitor's pairs, opt-out state, traits and segments", async () => {
		const res = await get(`/api/v1/visitors/${U}`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			uuid: U,
			optedOutAt: null,
			pairs: [
				{ dpid: 1000, dpuuid: "a-1", firstSeen: T0, lastSeen: T0 },
				{ dpid: 2000, dpuuid: "b/2 x", firstSeen: T0 + 1000, lastSeen: T0 + 1000 },
			],
			traits: [{ traitId: 7, dpid: 1000 }],
			segments: [3],
			segmentHistory: [{ segmentId: 3, enteredAt: T0, leftAt: null }],
		});
	});

	it("GET /api/v1/partners/{dpid}/ids/{dpuuid} answers the visitor it maps to (IDs are URL-encoded)", async () => {
		const res = await get(`/api/v1/partners/2000/ids/${encodeURIComponent("b/2 x")}`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			dpid: 2000,
			dpuuid: "b/2 x",
			uuid: U,
			firstSeen: T0 + 1000,
			lastSeen: T0 + 1000,
			pairedAt: T0,
			optedOutAt: null,
		});
	});

	it("after an opt-out, shows that it happened and nothing else", async () => {
		await both().forgetVisitor(U, T0 + 5000);
		const visitor = await get(`/api/v1/visitors/${U}`);
		expect(await visitor.json()).toEqual({
			uuid: U,
			optedOutAt: T0 + 5000,
			pairs: [],
			traits: [],
			segments: [],
			// The exit stays until the outbound files have listed it.
			segmentHistory: [{ segmentId: 3, enteredAt: T0, leftAt: T0 + 5000 }],
		});
		const id = await get("/api/v1/partners/1000/ids/a-1");
		expect(id.status).toBe(404);
	});

	it("answers 404 for what the graph does not hold, 400 for a malformed UUID", async () => {
		expect((await get(`/api/v1/visitors/${"9".repeat(38)}`)).status).toBe(404);
		expect((await get("/api/v1/partners/1000/ids/unknown")).status).toBe(404);
		const bad = await get("/api/v1/visitors/12345");
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: string }).error).toContain("uuid");
	});

	it("is for the operator only: a partner key, even the partner's own, gets 401", async () => {
		const own = (await createPartnerKey(env.DB, 1000, "own", 0)).secret;
		const asPartner = { Authorization: `Bearer ${own}` };
		expect((await get(`/api/v1/visitors/${U}`, { headers: asPartner })).status).toBe(401);
		expect((await get("/api/v1/partners/1000/ids/a-1", { headers: asPartner })).status).toBe(401);
	});

	it("is documented in the OpenAPI", async () => {
		const doc = (await (await get("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining(["/visitors/{uuid}", "/partners/{dpid}/ids/{dpuuid}"]),
		);
	});
});

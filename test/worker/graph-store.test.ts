import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { partnerIdBucket, visitorBucket } from "../../core/graph/shards/bucket";
import { shardName } from "../../core/graph/shards/shard-map";
import type { PairStore } from "../../core/graph/store";
import { graphStores } from "./support/graph";

const A = "1".repeat(38);
const B = "2".repeat(38);
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEGMENT_1 = { id: 1, tree: { op: "trait" as const, id: 1 } };

// The same behaviours, asked of the D1 reference and of the sharded store.
describe.each(["d1", "shards"] as const)("the ID graph (%s)", (kind) => {
	const store = (): PairStore => graphStores()[kind];

	it("records a new pair both ways and says it was new", async () => {
		const graph = store();
		const event = { dpid: 1000, dpuuid: "x1", uuid: A, at: T0 };
		const result = await graph.upsert([event], T0);
		expect(result.kept).toEqual([event]);
		expect([...result.created]).toEqual([event]);
		expect(await graph.visitor(A)).toEqual({
			uuid: A,
			optedOutAt: null,
			pairs: [{ dpid: 1000, dpuuid: "x1", firstSeen: T0, lastSeen: T0 }],
		});
		expect(await graph.partnerId(1000, "x1")).toEqual({
			dpid: 1000,
			dpuuid: "x1",
			uuid: A,
			firstSeen: T0,
			lastSeen: T0,
			pairedAt: T0,
			optedOutAt: null,
		});
	});

	it("moves a partner ID to the visitor of its newest sighting, never to an older one", async () => {
		const graph = store();
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 }], T0);
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: B, at: T0 - HOUR }], T0 + 1);
		expect((await graph.partnerId(1000, "x1")).uuid).toBe(A);
		const moved = await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: B, at: T0 + HOUR }], T0 + 2);
		expect(moved.created.size).toBe(0);
		expect(await graph.partnerId(1000, "x1")).toMatchObject({
			uuid: B,
			firstSeen: T0 - HOUR,
			lastSeen: T0 + HOUR,
			pairedAt: T0 + 2,
		});
		expect((await graph.visitor(A)).pairs).toEqual([]);
		expect((await graph.visitor(B)).pairs).toEqual([
			{ dpid: 1000, dpuuid: "x1", firstSeen: T0 - HOUR, lastSeen: T0 + HOUR },
		]);
		expect(await graph.uuidsOfPartnerIds(1000, ["x1", "unknown"])).toEqual(new Map([["x1", B]]));
	});

	it("keeps last_seen to the day: a refresh within a day changes nothing, a day later it moves", async () => {
		const graph = store();
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 }], T0);
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 + 23 * HOUR }], T0);
		expect((await graph.visitor(A)).pairs[0]?.lastSeen).toBe(T0);
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 + DAY }], T0);
		expect((await graph.visitor(A)).pairs[0]?.lastSeen).toBe(T0 + DAY);
	});

	it("a global opt-out erases the visitor's pairs, is remembered, and refuses later sightings", async () => {
		const graph = store();
		await graph.upsert(
			[
				{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 },
				{ dpid: 2000, dpuuid: "y1", uuid: A, at: T0 },
				{ dpid: 1000, dpuuid: "x2", uuid: B, at: T0 },
			],
			T0,
		);
		await graph.forgetVisitor(A, T0 + 5);
		expect(await graph.visitor(A)).toEqual({ uuid: A, optedOutAt: T0 + 5, pairs: [] });
		expect((await graph.partnerId(2000, "y1")).uuid).toBeNull();
		expect(await graph.isOptedOut(A)).toBe(true);
		expect(await graph.optedOutAmong([A, B])).toEqual(new Set([A]));
		const late = { dpid: 3000, dpuuid: "z1", uuid: A, at: T0 + 10 };
		const bystander = { dpid: 3000, dpuuid: "z2", uuid: B, at: T0 + 10 };
		expect(await graph.upsert([late, bystander], T0 + 10)).toEqual({
			kept: [bystander],
			created: new Set([bystander]),
			optedOutVisitors: new Set([A]),
		});
		expect((await graph.partnerId(3000, "z1")).uuid).toBeNull();
		expect((await graph.visitor(B)).pairs).toHaveLength(2);
	});

	it("a partner opt-out erases a held ID for good and leaves no trace of an unknown one", async () => {
		const graph = store();
		await graph.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 }], T0);
		expect(await graph.forgetPartnerId(1000, "x1", T0 + 5)).toBe(true);
		expect(await graph.forgetPartnerId(1000, "never-seen", T0 + 5)).toBe(false);
		expect(await graph.partnerId(1000, "x1")).toMatchObject({ uuid: null, optedOutAt: T0 + 5 });
		expect(await graph.partnerId(1000, "never-seen")).toMatchObject({ uuid: null, optedOutAt: null });
		expect((await graph.visitor(A)).pairs).toEqual([]);
		const again = { dpid: 1000, dpuuid: "x1", uuid: B, at: T0 + 10 };
		// Refused for the partner ID alone: the visitor is not named as opted out.
		expect(await graph.upsert([again], T0 + 10)).toEqual({ kept: [], created: new Set(), optedOutVisitors: new Set() });
		expect((await graph.visitor(B)).pairs).toEqual([]);
	});

	it("counts a partner ID seen twice in one batch as one new pair (its first sighting)", async () => {
		const graph = store();
		const first = { dpid: 1000, dpuuid: "x1", uuid: A, at: T0 };
		const second = { dpid: 1000, dpuuid: "x1", uuid: A, at: T0 + 1 };
		const result = await graph.upsert([second, first], T0);
		expect([...result.created]).toEqual([first]);
		expect(result.kept).toEqual([second, first]);
	});

	it("refuses trait changes for an opted-out visitor, whoever applies them", async () => {
		const graph = store();
		await graph.forgetVisitor(A, T0);
		const effects = [A, B].map((uuid) => ({ uuid, trait: 1, add: true }));
		const result = await graph.applyTraits({ key: "late", source: 1000, cleared: [], effects }, [SEGMENT_1], T0 + 1);
		// The result names whom it refused, and a retry of the key says the same.
		expect(result).toEqual({ removedByOverwrite: 0, entered: 1, left: 0, refused: [A] });
		const retried = await graph.applyTraits({ key: "late", source: 1000, cleared: [], effects }, [SEGMENT_1], T0 + 2);
		expect(retried).toEqual(result);
		expect(await graph.memberships(A)).toEqual({ traits: [], segments: [], segmentHistory: [] });
		expect((await graph.memberships(B)).traits).toEqual([{ traitId: 1, dpid: 1000 }]);
	});

	it("lists in an iter window a partner ID that a batch moved away and back (paired anew)", async () => {
		const graph = store();
		await graph.upsert([{ dpid: 1000, dpuuid: "b", uuid: A, at: T0 }], T0);
		const effects = [{ uuid: A, trait: 1, add: true }];
		await graph.applyTraits({ key: "t", source: 1000, cleared: [], effects }, [SEGMENT_1], T0);
		const batch = [
			{ dpid: 1000, dpuuid: "b", uuid: B, at: T0 + 1 },
			{ dpid: 1000, dpuuid: "b", uuid: A, at: T0 + 2 },
		];
		await graph.upsert(batch, T0 + HOUR);
		const window = { dpid: 1000, segments: [1], after: "", limit: 100, since: T0 + HOUR / 2, until: T0 + 2 * HOUR };
		expect(await graph.changedMemberPage(window)).toEqual({
			rows: [{ dpuuid: "b", uuid: A, since: T0 + HOUR, segment_id: 1, entered_at: T0, left_at: null }],
			next: null,
		});
	});

	it("lists opt-out removals in their window with the memberships the ID may still hold, until pruned", async () => {
		const graph = store();
		await graph.upsert(
			[
				{ dpid: 1000, dpuuid: "r1", uuid: A, at: T0 },
				{ dpid: 1000, dpuuid: "r2", uuid: B, at: T0 },
			],
			T0,
		);
		const effects = [A, B].map((uuid) => ({ uuid, trait: 1, add: true }));
		await graph.applyTraits({ key: "t", source: 1000, cleared: [], effects }, [SEGMENT_1], T0);
		await graph.forgetPartnerId(1000, "r1", T0 + HOUR);
		await graph.forgetVisitor(B, T0 + 2 * HOUR);
		const listing = { dpid: 1000, segments: [1], after: "", limit: 100 };
		const window = { ...listing, since: T0, until: T0 + 3 * HOUR };
		expect(await graph.removalPage(window)).toEqual({
			rows: [
				{ dpuuid: "r1", uuid: A, since: T0 + HOUR, segment_id: 1, entered_at: T0, left_at: null },
				{ dpuuid: "r2", uuid: B, since: T0 + 2 * HOUR, segment_id: 1, entered_at: T0, left_at: T0 + 2 * HOUR },
			],
			next: null,
		});
		expect(await graph.memberPage({ ...listing, endedAfter: 0 })).toEqual({ rows: [], next: null });
		await graph.pruneHistory(T0 + 90 * 60_000);
		expect((await graph.removalPage(window)).rows.map((r) => r.dpuuid)).toEqual(["r2"]);
	});

	it("pages a partner's members in key order (SQLite's byte order, also past U+FFFF), whole IDs per page", async () => {
		const graph = store();
		// 60 IDs: each of the sharded store's 3 partner-ID shards holds more than one page's share.
		const ascii = Array.from({ length: 60 }, (_, i) => `id-${String(i).padStart(2, "0")}`);
		const ids = ["\u{1F600}", "\uE000", "é", ...ascii];
		await graph.upsert(
			ids.map((dpuuid) => ({ dpid: 1000, dpuuid, uuid: A, at: T0 })),
			T0,
		);
		const effects = [{ uuid: A, trait: 1, add: true }];
		await graph.applyTraits({ key: "t", source: 1000, cleared: [], effects }, [SEGMENT_1], T0);
		const listed: string[] = [];
		let after = "";
		for (let page = 0; page < 100; page++) {
			const { rows, next } = await graph.memberPage({ dpid: 1000, segments: [1], after, limit: 10, endedAfter: 0 });
			listed.push(...rows.map((r) => r.dpuuid));
			if (next === null) break;
			after = next;
		}
		expect(listed).toEqual([...ascii, "é", "\uE000", "\u{1F600}"]);
	});
});

describe("sharded store", () => {
	it("spreads visitors and partner IDs over several shard objects", async () => {
		const { shards, shardNames } = graphStores();
		const events = Array.from({ length: 40 }, (_, i) => ({
			dpid: 1000,
			dpuuid: `id-${i}`,
			uuid: String(i).padStart(38, "7"),
			at: T0,
		}));
		await shards.upsert(events, T0);
		const visitorSizes = await Promise.all(shardNames.visitor.map((n) => env.VISITOR_SHARDS.getByName(n).size()));
		const partnerSizes = await Promise.all(shardNames.partnerId.map((n) => env.PARTNER_ID_SHARDS.getByName(n).size()));
		expect(visitorSizes.map((s) => s.rows > 0)).toEqual([true, true, true, true]);
		expect(partnerSizes.map((s) => s.rows > 0)).toEqual([true, true, true]);
		expect(visitorSizes.reduce((n, s) => n + s.rows, 0)).toBe(40);
		expect(partnerSizes.reduce((n, s) => n + s.rows, 0)).toBe(40);
		for (const e of events) expect((await shards.partnerId(1000, e.dpuuid)).uuid).toBe(e.uuid);
	});
});

describe("sharded store, interrupted", () => {
	it("a partner opt-out that stopped after its partner-ID shard step is finished by a retry", async () => {
		const { shards, map } = graphStores();
		await shards.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 }], T0);
		// The first step alone, as if the Worker died before the visitor shard was told.
		const partnerShard = env.PARTNER_ID_SHARDS.getByName(shardName(map.partnerId, partnerIdBucket(1000, "x1")));
		expect(await partnerShard.forget(1000, "x1", T0 + 5)).toEqual({ held: true, uuid: A, rev: 2 });
		expect((await shards.visitor(A)).pairs).toHaveLength(1);
		// The retry: the ID is no longer held (same answer as the D1 reference), and the copy goes.
		expect(await shards.forgetPartnerId(1000, "x1", T0 + 6)).toBe(false);
		expect((await shards.visitor(A)).pairs).toEqual([]);
	});

	it("a global opt-out that stopped after recording the opt-out is finished by a retry", async () => {
		const { shards, map } = graphStores();
		await shards.upsert([{ dpid: 1000, dpuuid: "x1", uuid: A, at: T0 }], T0);
		const visitorShard = env.VISITOR_SHARDS.getByName(shardName(map.visitor, visitorBucket(A)));
		expect(await visitorShard.optOut(A, T0 + 5)).toEqual([{ dpid: 1000, dpuuid: "x1" }]);
		// Meanwhile a late sighting is refused, and the mapping is still readable until the retry.
		expect((await shards.upsert([{ dpid: 2000, dpuuid: "y", uuid: A, at: T0 + 6 }], T0 + 6)).kept).toEqual([]);
		await shards.forgetVisitor(A, T0 + 7);
		expect(await shards.visitor(A)).toEqual({ uuid: A, optedOutAt: T0 + 5, pairs: [] });
		expect((await shards.partnerId(1000, "x1")).uuid).toBeNull();
	});
});

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import * as membershipSql from "../../core/graph/memberships/d1-queries";
import { BACKFILL_START } from "../../core/graph/memberships/types";
import * as sql from "../../core/graph/queries";
import { BUCKETS, fnv1a, partnerIdBucket, visitorBucket } from "../../core/graph/shards/bucket";
import { packIds, packSegmentRows, unpackIds, unpackSegmentRows } from "../../core/graph/shards/listing-wire";
import { currentShardMap, forgetShardMap } from "../../core/graph/shards/map-store";
import { initialRanges, lookupOf, shardMapOf, shardName } from "../../core/graph/shards/shard-map";
import { shardedPairStore } from "../../core/graph/shards/store";
import { packTraitPart, unpackTraitPart } from "../../core/graph/shards/trait-part";
import { PARTNER_IDS_AMONG } from "../../core/graph/shards/visitor-membership-queries";

const A = "1".repeat(38);
const B = "2".repeat(38);
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const HOUR = 3_600_000;

describe("buckets", () => {
	it("hash keys with 32-bit FNV-1a (stated values, so a changed hash cannot pass)", () => {
		expect(BUCKETS).toBe(4096);
		expect(fnv1a("")).toBe(0x811c9dc5);
		expect(fnv1a("a")).toBe(0xe40c292c);
		expect(fnv1a("foobar")).toBe(0xbf9cf968);
		expect(partnerIdBucket(1000, "abc")).toBe(fnv1a("1000:abc") % 4096);
		expect(visitorBucket(A)).toBe(fnv1a(A) % 4096);
	});

	it("hash the UTF-8 bytes, ASCII or not (the ASCII fast path gives the bytes' hash)", () => {
		const bytesHash = (text: string) => {
			let hash = 0x811c9dc5;
			for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
			return hash >>> 0;
		};
		fc.assert(
			fc.property(fc.string({ unit: "grapheme" }), (text) => {
				expect(fnv1a(text)).toBe(bytesHash(text));
			}),
		);
		expect(fnv1a("é")).toBe(bytesHash("é"));
		expect(fnv1a("abc😀")).toBe(bytesHash("abc😀"));
	});
});

describe("shard map", () => {
	it("cuts the buckets into equal contiguous runs, and refuses a map with a gap or an overlap", () => {
		expect(initialRanges("visitor", 3)).toEqual([
			{ kind: "visitor", firstBucket: 0, lastBucket: 1364, shard: "visitors-0000" },
			{ kind: "visitor", firstBucket: 1365, lastBucket: 2729, shard: "visitors-0001" },
			{ kind: "visitor", firstBucket: 2730, lastBucket: 4095, shard: "visitors-0002" },
		]);
		const lookup = lookupOf("visitor", initialRanges("visitor", 3));
		expect([0, 1364, 1365, 4095].map((b) => shardName(lookup, b))).toEqual([
			"visitors-0000",
			"visitors-0000",
			"visitors-0001",
			"visitors-0002",
		]);
		const gap = initialRanges("visitor", 2).slice(1);
		expect(() => lookupOf("visitor", gap)).toThrow("visitor bucket 0 has no shard");
		const overlap = [...initialRanges("visitor", 1), ...initialRanges("visitor", 2)];
		expect(() => lookupOf("visitor", overlap)).toThrow("visitor bucket 0 is mapped twice");
		expect(() => initialRanges("partner_id", 0)).toThrow("partner_id shards must be a whole number from 1 to 4096");
	});

	it("is cached per isolate: a second call within a minute reads nothing from D1", async () => {
		forgetShardMap();
		const first = await currentShardMap(env.DB, { visitor: 4, partnerId: 3 }, T0);
		const prepare = vi.spyOn(env.DB, "prepare");
		expect(await currentShardMap(env.DB, { visitor: 4, partnerId: 3 }, T0 + 59_000)).toBe(first);
		expect(prepare).not.toHaveBeenCalled();
		await currentShardMap(env.DB, { visitor: 4, partnerId: 3 }, T0 + 60_000);
		expect(prepare).toHaveBeenCalled();
		forgetShardMap();
	});

	it("is written once from the configured counts, and the stored map wins over a changed count", async () => {
		forgetShardMap();
		const first = await currentShardMap(env.DB, { visitor: 4, partnerId: 3 }, T0);
		expect(first.version).toBe(1);
		expect(first.visitor.names).toEqual(["visitors-0000", "visitors-0001", "visitors-0002", "visitors-0003"]);
		expect(first.partnerId.names).toEqual(["partner-ids-0000", "partner-ids-0001", "partner-ids-0002"]);
		forgetShardMap();
		const later = await currentShardMap(env.DB, { visitor: 16, partnerId: 16 }, T0 + HOUR);
		expect(later.visitor.names).toHaveLength(4);
		const { results } = await env.DB.prepare("SELECT count(*) AS n FROM shard_map").all<{ n: number }>();
		expect(results[0]?.n).toBe(7);
		forgetShardMap();
	});
});

describe("writes only on change", () => {
	it("a partner-ID shard writes no row for a refresh within a day, one for a move or a day-old refresh", async () => {
		const shard = env.PARTNER_ID_SHARDS.getByName("rows-written");
		const first = await shard.assert([{ dpid: 1000, dpuuid: "x", uuid: A, at: T0 }], T0);
		expect(first.rowsWritten).toBe(2); // the mapping and the shard's revision counter
		const refresh = await shard.assert([{ dpid: 1000, dpuuid: "x", uuid: A, at: T0 + HOUR }], T0);
		expect(refresh).toEqual({ changes: [], created: [], refused: [], rowsWritten: 0 });
		const move = await shard.assert([{ dpid: 1000, dpuuid: "x", uuid: B, at: T0 + 2 * HOUR }], T0 + HOUR);
		expect(move.rowsWritten).toBe(2);
		// paired anew: written an hour later, the move sets the paired time to that hour.
		expect(move.changes).toEqual([
			{
				dpid: 1000,
				dpuuid: "x",
				uuid: B,
				firstSeen: T0,
				lastSeen: T0 + 2 * HOUR,
				rev: 2,
				movedFrom: A,
				repaired: true,
			},
		]);
		const dayOld = await shard.assert([{ dpid: 1000, dpuuid: "x", uuid: B, at: T0 + 26 * HOUR }], T0);
		expect(dayOld.rowsWritten).toBe(2);
	});

	it("a visitor shard rewrites no copy of a revision it already holds", async () => {
		const shard = env.VISITOR_SHARDS.getByName("rows-written");
		const pair = { dpid: 1000, dpuuid: "x", uuid: A, firstSeen: T0, lastSeen: T0, rev: 1 };
		// The copy, and the change log's entry (a partner ID new to the visitor is a change for iter files).
		expect((await shard.recordPairs([pair], [], T0)).rowsWritten).toBe(2);
		expect((await shard.recordPairs([pair], [], T0)).rowsWritten).toBe(0);
	});

	it("a visitor shard reads at most 100 of a visitor's IDs of a partner for DP_UUID_LIST, however many it holds", async () => {
		const shard = env.VISITOR_SHARDS.getByName("many-ids");
		const ids = Array.from({ length: 1_000 }, (_, i) => `id${String(999 - i).padStart(4, "0")}`);
		const pairs = ids.map((dpuuid) => ({ dpid: 1000, dpuuid, uuid: A, firstSeen: T0, lastSeen: T0, rev: 1 }));
		await shard.recordPairs(pairs, [], T0);
		const first100 = Array.from({ length: 100 }, (_, i) => `id${String(i).padStart(4, "0")}`);
		const [facts] = await shard.lineFacts({ dpid: 1000, uuids: [A], traits: [] });
		expect(facts?.dpuuids).toEqual(first100);
		await runInDurableObject(shard, (_instance, state) => {
			const cursor = state.storage.sql.exec(PARTNER_IDS_AMONG, 1000, JSON.stringify([A, B]));
			expect(cursor.toArray().map((r) => r.dpuuid)).toEqual(first100);
			// Along the primary key: the 100 IDs (read, then listed: 202 rows with the two UUIDs), not the 1,000.
			expect(cursor.rowsRead).toBeLessThanOrEqual(210);
		});
	});

	it("a visitor shard writes only the change's key for traits re-asserted within a day", async () => {
		const shard = env.VISITOR_SHARDS.getByName("traits-written");
		const segments = [{ id: 1, tree: { op: "trait" as const, id: 7 } }];
		const change = (key: string) =>
			packTraitPart({
				key,
				source: 1000,
				cleared: [],
				effects: [7, 8].map((trait) => ({ uuid: A, trait, add: true })),
			});
		const written = async () => (await shard.size()).rowsWritten;
		await shard.applyTraits(change("first"), segments, T0);
		const before = await written();
		await shard.applyTraits(change("again"), segments, T0 + HOUR);
		// The key of the change (its row and its applied_at index entry); no trait, no segment, no log entry.
		expect((await written()) - before).toBe(2);
		await shard.applyTraits(change("a day later"), segments, T0 + 25 * HOUR);
		expect((await written()) - before).toBe(2 + 2 + 2);
	});

	it("a visitor shard puts writes of one partner ID mirrored out of order back in order", async () => {
		const shard = env.VISITOR_SHARDS.getByName("out-of-order");
		const pairs = async (uuid: string) => (await shard.read(uuid)).pairs.map((p) => [p.dpuuid, p.lastSeen]);
		const copy = (dpuuid: string, uuid: string, lastSeen: number, rev: number) => ({
			dpid: 1000,
			dpuuid,
			uuid,
			firstSeen: T0,
			lastSeen,
			rev,
		});
		// x: A (revision 1), then B (revision 2). The move is mirrored first, A's own copy after it.
		await shard.recordPairs([copy("x", B, T0 + HOUR, 2)], [{ dpid: 1000, dpuuid: "x", uuid: A, rev: 2 }], T0);
		await shard.recordPairs([copy("x", A, T0, 1)], [], T0);
		expect(await pairs(A)).toEqual([]);
		expect(await pairs(B)).toEqual([["x", T0 + HOUR]]);
		// y: A (1) → B (2) → A (3). The move back is mirrored first; the first move's removal must not
		// erase it, nor its copy for B come back.
		await shard.recordPairs([copy("y", A, T0 + 2 * HOUR, 3)], [{ dpid: 1000, dpuuid: "y", uuid: B, rev: 3 }], T0);
		await shard.recordPairs([copy("y", B, T0 + HOUR, 2)], [{ dpid: 1000, dpuuid: "y", uuid: A, rev: 2 }], T0);
		expect(await pairs(A)).toEqual([["y", T0 + 2 * HOUR]]);
		expect(await pairs(B)).toEqual([["x", T0 + HOUR]]);
		// An older copy of the current mapping mirrored after a newer one does not turn its times back.
		await shard.recordPairs([copy("y", A, T0 + HOUR, 1)], [], T0);
		expect(await pairs(A)).toEqual([["y", T0 + 2 * HOUR]]);
		// z: taken from A (revision 5), later given back to A (revision 6): the move is no veto on newer writes.
		await shard.recordPairs([], [{ dpid: 1000, dpuuid: "z", uuid: A, rev: 5 }], T0);
		await shard.recordPairs([copy("z", A, T0, 6)], [], T0);
		expect((await pairs(A)).map(([id]) => id)).toEqual(["y", "z"]);
	});

	it("a partner-ID shard numbers its writes: one revision per call that changes something", async () => {
		const shard = env.PARTNER_ID_SHARDS.getByName("revisions");
		const first = await shard.assert(
			[
				{ dpid: 1000, dpuuid: "a", uuid: A, at: T0 },
				{ dpid: 1000, dpuuid: "b", uuid: A, at: T0 },
			],
			T0,
		);
		expect(first.changes.map((c) => c.rev)).toEqual([1, 1]);
		expect((await shard.assert([{ dpid: 1000, dpuuid: "a", uuid: A, at: T0 + HOUR }], T0)).changes).toEqual([]);
		const move = await shard.assert([{ dpid: 1000, dpuuid: "a", uuid: B, at: T0 + HOUR }], T0);
		expect(move.changes.map((c) => c.rev)).toEqual([2]);
		expect(await shard.forget(1000, "a", T0)).toEqual({ held: true, uuid: B, rev: 3 });
		expect(await shard.forget(1000, "a", T0)).toEqual({ held: false, uuid: B, rev: 4 });
		expect(await shard.forget(1000, "never", T0)).toEqual({ held: false, uuid: null, rev: 0 });
	});

	it("a trait re-asserted within a day writes no row; a day later it does", async () => {
		const add = (at: number) =>
			env.DB.prepare(membershipSql.ADD_TRAITS)
				.bind(JSON.stringify([[A, 7]]), 1000, at)
				.run();
		expect((await add(T0)).meta.rows_written).toBeGreaterThan(0);
		expect((await add(T0 + HOUR)).meta.rows_written).toBe(0);
		expect((await add(T0 + 25 * HOUR)).meta.rows_written).toBeGreaterThan(0);
	});

	it("the D1 reference writes no row (nor index entry) for a refresh within a day", async () => {
		const upsert = (uuid: string, at: number) =>
			env.DB.prepare(sql.UPSERT_PAIRS)
				.bind(sql.eventsJson([{ dpid: 1000, dpuuid: "x", uuid, at }]), at)
				.run();
		expect((await upsert(A, T0)).meta.rows_written).toBeGreaterThan(0);
		expect((await upsert(A, T0 + HOUR)).meta.rows_written).toBe(0);
		expect((await upsert(B, T0 + 2 * HOUR)).meta.rows_written).toBeGreaterThan(0);
	});
});

describe("an opt-out that lands between the sharded store's question and its mirror", () => {
	it("refuses the visitor's new pair, takes the mapping back and names the visitor", async () => {
		const tag = `late-opt-out-${Date.now()}`;
		const ranges = [...initialRanges("visitor", 2), ...initialRanges("partner_id", 2)];
		const map = shardMapOf(
			1,
			ranges.map((r) => ({ ...r, shard: `${tag}-${r.shard}` })),
		);
		// The real visitor shards; A opts out just before a mirror reaches A's shard.
		const visitors = {
			getByName(name: string) {
				const stub = env.VISITOR_SHARDS.getByName(name);
				return new Proxy(stub, {
					get(target, key) {
						if (key !== "recordPairs") return Reflect.get(target, key);
						return async (...args: Parameters<typeof target.recordPairs>) => {
							if (args[0].some((p) => p.uuid === A)) await target.optOut(A, T0);
							return target.recordPairs(...args);
						};
					},
				});
			},
		} as unknown as typeof env.VISITOR_SHARDS;
		const store = shardedPairStore({ visitors, partnerIds: env.PARTNER_ID_SHARDS }, async () => map);
		const late = { dpid: 1000, dpuuid: "late", uuid: A, at: T0 };
		const bystander = { dpid: 1000, dpuuid: "other", uuid: B, at: T0 };
		expect(await store.upsert([late, bystander], T0)).toEqual({
			kept: [bystander],
			created: new Set([bystander]),
			optedOutVisitors: new Set([A]),
		});
		expect((await store.partnerId(1000, "late")).uuid).toBeNull();
		expect((await store.partnerId(1000, "other")).uuid).toBe(B);
	});
});

describe("segment backfill on the shards", () => {
	it("is one job per visitor shard, evaluated inside it (paged there), a few shards per step", async () => {
		const tag = `backfill-${Date.now()}`;
		const ranges = initialRanges("visitor", 10).map((r) => ({ ...r, shard: `${tag}-${r.shard}` }));
		const map = shardMapOf(1, [...ranges, ...initialRanges("partner_id", 2)]);
		const store = shardedPairStore(
			{ visitors: env.VISITOR_SHARDS, partnerIds: env.PARTNER_ID_SHARDS },
			async () => map,
		);
		const uuids = Array.from({ length: 24_000 }, (_, i) => String(i).padStart(38, "0"));
		for (let start = 0; start < uuids.length; start += 4_000) {
			const effects = uuids.slice(start, start + 4_000).map((uuid) => ({ uuid, trait: 7, add: true }));
			await store.applyTraits({ key: `seed ${start}`, source: 1000, cleared: [], effects }, [], T0);
		}
		// More visitors than one backfill transaction takes (2,000) live in some shard.
		const perShard = new Map<string, number>();
		for (const uuid of uuids) {
			const name = shardName(map.visitor, visitorBucket(uuid));
			perShard.set(name, (perShard.get(name) ?? 0) + 1);
		}
		expect(Math.max(...perShard.values())).toBeGreaterThan(2_000);

		const segment = { id: 70, tree: { op: "trait" as const, id: 7 } };
		const first = await store.backfillPage(segment, BACKFILL_START, T0 + HOUR);
		expect(first.next).toEqual({ phase: "with-traits", after: "", shard: 8 });
		const second = await store.backfillPage(segment, first.next ?? BACKFILL_START, T0 + HOUR);
		expect(second.next).toBeNull();
		expect(first.entered + second.entered).toBe(24_000);
		expect((await store.memberships(uuids[23_999] ?? "")).segments).toEqual([70]);
		// A retried step changes nothing.
		expect((await store.backfillPage(segment, BACKFILL_START, T0 + HOUR)).entered).toBe(0);
	});
});

describe("a trait change's part as it crosses to a visitor shard", () => {
	it("unpacks to the change that was packed, adds and removes alike", () => {
		const effect = fc.record({
			uuid: fc.string({ minLength: 1, maxLength: 40 }),
			trait: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
			add: fc.boolean(),
		});
		const cleared = fc.array(
			fc.record({ uuid: fc.string({ maxLength: 40 }), keep: fc.array(fc.integer({ min: 1, max: 99 })) }),
			{ maxLength: 3 },
		);
		fc.assert(
			fc.property(fc.string(), fc.nat(), cleared, fc.array(effect, { maxLength: 50 }), (key, source, c, effects) => {
				const change = { key, source, cleared: c, effects };
				expect(unpackTraitPart(structuredClone(packTraitPart(change)))).toEqual(change);
			}),
		);
	});
});

describe("a listing's answers as they cross back from the shards", () => {
	const id = fc.string({ minLength: 1, maxLength: 40 });
	it("listed IDs unpack to the rows packed, in order", () => {
		const listed = fc.array(fc.record({ dpuuid: id, uuid: id, since: fc.nat() }), { maxLength: 50 });
		fc.assert(
			fc.property(listed, (ids) => {
				expect(unpackIds(structuredClone(packIds(ids)))).toEqual(ids);
			}),
		);
	});

	it("segment rows unpack to each asked visitor's rows, visitors without rows included", () => {
		const row = fc.record({
			segment_id: fc.integer({ min: 1, max: 999 }),
			entered_at: fc.nat(),
			left_at: fc.option(fc.nat(), { nil: null }),
		});
		const visitors = fc.uniqueArray(fc.tuple(id, fc.array(row, { maxLength: 4 })), {
			selector: ([uuid]) => uuid,
			maxLength: 30,
		});
		fc.assert(
			fc.property(visitors, (asked) => {
				const uuids = asked.map(([uuid]) => uuid);
				const packed = structuredClone(packSegmentRows(asked.map(([, rows]) => rows)));
				expect(unpackSegmentRows(uuids, packed)).toEqual(new Map(asked));
			}),
		);
	});
});

import { type GraphMemberships, MAX_LISTING_WINDOWS, tooManyWindows } from "../memberships/door";
import { changedInWindow } from "../memberships/listing";
import type { ListingQuery, MemberPage, MemberRow, TraitChange } from "../memberships/types";
import { partnerIdBucket, visitorBucket } from "./bucket";
import { cutKeys, sampleEvery } from "./cuts";
import { type PackedIds, unpackIds, unpackSegmentRows } from "./listing-wire";
import { mergeOrdered, perShardOf } from "./merge";
import type { ShardNamespaces } from "./namespaces";
import type { ListedId } from "./partner-id-listing";
import type { PartnerIdShard } from "./partner-id-shard";
import { groupByShard, type ShardMap } from "./shard-map";
import { packTraitPart, type TraitPart } from "./trait-part";

/**
 * Trait and segment memberships on the visitor shards. A trait change is one RPC per visitor shard
 * whose visitors it touches (the shard evaluates the segments itself); an outbound listing merges the
 * partner-ID shards' range scans, already in key order, and fetches memberships from the visitor
 * shards in one RPC per shard and page.
 */
export function shardedMemberships(ns: ShardNamespaces, shardMap: () => Promise<ShardMap>): GraphMemberships {
	const everyVisitorShard = async () => (await shardMap()).visitor.names.map((n) => ns.visitors.getByName(n));
	const everyPartnerShard = async () => (await shardMap()).partnerId.names.map((n) => ns.partnerIds.getByName(n));

	/** The memberships of `segments` the IDs' visitors hold (not ended by `endedAfter`), one RPC per visitor shard. */
	async function withMemberships(
		map: ShardMap,
		ids: readonly ListedId[],
		segments: readonly number[],
		endedAfter: number,
	): Promise<MemberRow[]> {
		const groups = groupByShard(map.visitor, new Set(ids.map((id) => id.uuid)), visitorBucket);
		const answers = await Promise.all(
			[...groups].map(async ([name, uuids]) =>
				unpackSegmentRows(uuids, await ns.visitors.getByName(name).segmentRows(uuids, segments, endedAfter)),
			),
		);
		const rowsOf = new Map(answers.flatMap((rows) => [...rows]));
		return ids.flatMap((id) =>
			(rowsOf.get(id.uuid) ?? []).map((r) => ({ dpuuid: id.dpuuid, uuid: id.uuid, since: id.since, ...r })),
		);
	}

	/** One page of a listing: the partner-ID shards' range scans merged, then the IDs' memberships. */
	async function listing(
		q: ListingQuery,
		endedAfter: number,
		scan: (shard: DurableObjectStub<PartnerIdShard>, perShard: number) => Promise<PackedIds>,
	): Promise<MemberPage> {
		const map = await shardMap();
		const perShard = perShardOf(q.limit, map.partnerId.names.length);
		const pages = await Promise.all(
			map.partnerId.names.map(async (name) => unpackIds(await scan(ns.partnerIds.getByName(name), perShard))),
		);
		const { items, bound } = mergeOrdered(pages, perShard);
		return { rows: await withMemberships(map, items, q.segments, endedAfter), next: bound };
	}

	/**
	 * One page of an iter run's paired listing, from the visitor shards' change logs: the partner IDs of
	 * visitors whose lines changed in the window, merged in key order, kept where the partner-ID shard
	 * still maps them to that visitor (it also gives the paired time), with their memberships.
	 */
	async function changedListing(q: ListingQuery & { since: number; until: number }): Promise<MemberPage> {
		const map = await shardMap();
		const perShard = perShardOf(q.limit, map.visitor.names.length);
		const pages = await Promise.all(
			map.visitor.names.map((name) => ns.visitors.getByName(name).changedPairs(q, perShard)),
		);
		const { items, bound } = mergeOrdered(pages, perShard);
		const groups = groupByShard(map.partnerId, new Set(items.map((c) => c.dpuuid)), (id) =>
			partnerIdBucket(q.dpid, id),
		);
		const mapped = await Promise.all(
			[...groups].map(([name, dpuuids]) => ns.partnerIds.getByName(name).mappingsOf(q.dpid, dpuuids)),
		);
		const truth = new Map(mapped.flat().map((m) => [m.dpuuid, m]));
		const ids = items.flatMap((c) => {
			const current = truth.get(c.dpuuid);
			if (current?.uuid !== c.uuid) return [];
			truth.delete(c.dpuuid);
			return [current];
		});
		const rows = await withMemberships(map, ids, q.segments, q.since);
		return { rows: changedInWindow(rows, q.since, q.until), next: bound };
	}

	return {
		async applyTraits(change, segments, now) {
			const map = await shardMap();
			const results = await Promise.all(
				[...changePerShard(map, change)].map(([name, part]) =>
					ns.visitors.getByName(name).applyTraits(part, segments, now),
				),
			);
			const sum = results.reduce(
				(sum, r) => ({
					removedByOverwrite: sum.removedByOverwrite + r.removedByOverwrite,
					entered: sum.entered + r.entered,
					left: sum.left + r.left,
					refused: [...sum.refused, ...r.refused],
				}),
				{ removedByOverwrite: 0, entered: 0, left: 0, refused: [] as string[] },
			);
			return { ...sum, refused: sum.refused.sort() };
		},
		async memberships(uuid) {
			const map = await shardMap();
			const [name] = groupByShard(map.visitor, [uuid], visitorBucket).keys();
			return ns.visitors.getByName(name as string).memberships(uuid);
		},
		memberPage(q) {
			return listing(q, q.endedAfter, (shard, n) => shard.listIds(q.dpid, q.after, n));
		},
		changedMemberPage: changedListing,
		async lineFacts(q) {
			const groups = groupByShard((await shardMap()).visitor, new Set(q.uuids), visitorBucket);
			const answers = await Promise.all(
				[...groups].map(([name, uuids]) => ns.visitors.getByName(name).lineFacts({ ...q, uuids })),
			);
			const byUuid = new Map(answers.flat().map((f) => [f.uuid, f]));
			return q.uuids.flatMap((uuid) => byUuid.get(uuid) ?? []);
		},
		removalPage(q) {
			return listing(q, q.since, (shard, n) => shard.listRemovals(q, n));
		},
		async listingBound(q) {
			const counts = await Promise.all((await everyPartnerShard()).map((s) => s.countListing(q.dpid, q.window)));
			return counts.reduce((sum, n) => sum + n, 0);
		},
		async listingCuts(q) {
			// Counted first: most partners fit one file, and then no shard samples anything.
			const shards = await everyPartnerShard();
			const counts = await Promise.all(shards.map((s) => s.countListing(q.dpid, null)));
			const total = counts.reduce((sum, n) => sum + n, 0);
			if (total <= q.most) return [];
			if (total > q.most * MAX_LISTING_WINDOWS) throw tooManyWindows(total, q.most);
			const holding = shards.filter((_, i) => (counts[i] ?? 0) > 0);
			const every = sampleEvery(q.most, holding.length);
			return cutKeys(await Promise.all(holding.map((s) => s.sampleIds(q.dpid, every))), q.most);
		},
		async backfillPage(segment, cursor, now) {
			// One job per visitor shard, evaluated inside it; a step runs a few shards at once.
			const shards = await everyVisitorShard();
			const first = cursor.shard ?? 0;
			const batch = shards.slice(first, first + BACKFILL_SHARDS_PER_STEP);
			const done = await Promise.all(batch.map((shard) => shard.backfillAll(segment, now)));
			const after = first + batch.length;
			return {
				next: after < shards.length ? { phase: "with-traits", after: "", shard: after } : null,
				entered: done.reduce((sum, d) => sum + d.entered, 0),
				left: done.reduce((sum, d) => sum + d.left, 0),
			};
		},
		async dropTrait(traitId) {
			await Promise.all((await everyVisitorShard()).map((s) => s.dropTrait(traitId)));
		},
		async dropSegment(segmentId) {
			await Promise.all((await everyVisitorShard()).map((s) => s.dropSegment(segmentId)));
		},
		async pruneHistory(before) {
			await Promise.all([
				...(await everyPartnerShard()).map((s) => s.pruneTombstones(before)),
				...(await everyVisitorShard()).map((s) => s.pruneChanges(before)),
			]);
		},
	};
}

// Visitor shards one backfill step runs at once: 64 steps for 512 shards, whatever their size.
const BACKFILL_SHARDS_PER_STEP = 8;

/**
 * Each visitor shard's part of a change, in one pass over it (order kept): filtering the whole change
 * once per shard cost shards × changes, most of an inbound group's CPU at 512 shards.
 */
function changePerShard(map: ShardMap, change: TraitChange): Map<string, TraitPart> {
	const cleared = groupByShard(map.visitor, change.cleared, (c) => visitorBucket(c.uuid));
	const effects = groupByShard(map.visitor, change.effects, (e) => visitorBucket(e.uuid));
	const parts = new Map<string, TraitPart>();
	for (const name of new Set([...cleared.keys(), ...effects.keys()])) {
		parts.set(name, packTraitPart({ ...change, cleared: cleared.get(name) ?? [], effects: effects.get(name) ?? [] }));
	}
	return parts;
}

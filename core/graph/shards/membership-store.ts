import { BACKFILL_PAGE_USERS, type GraphMemberships } from "../memberships/door";
import { changedInWindow } from "../memberships/listing";
import type { BackfillCursor, ListingQuery, MemberPage, MemberRow, TraitChange } from "../memberships/types";
import { partnerIdBucket, visitorBucket } from "./bucket";
import { mergeOrdered, perShardOf } from "./merge";
import type { ShardNamespaces } from "./namespaces";
import type { ListedId } from "./partner-id-listing";
import type { PartnerIdShard } from "./partner-id-shard";
import { groupByShard, type ShardMap } from "./shard-map";
import type { ShardBackfillPage } from "./visitor-memberships";

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
			[...groups].map(([name, uuids]) => ns.visitors.getByName(name).segmentRows(uuids, segments, endedAfter)),
		);
		const rowsOf = new Map(answers.flat().map((a) => [a.uuid, a.rows]));
		return ids.flatMap((id) => (rowsOf.get(id.uuid) ?? []).map((r) => ({ dpuuid: id.dpuuid, since: id.since, ...r })));
	}

	/** One page of a listing: the partner-ID shards' range scans merged, then the IDs' memberships. */
	async function listing(
		q: ListingQuery,
		endedAfter: number,
		scan: (shard: DurableObjectStub<PartnerIdShard>, perShard: number) => Promise<ListedId[]>,
	): Promise<MemberPage> {
		const map = await shardMap();
		const perShard = perShardOf(q.limit, map.partnerId.names.length);
		const pages = await Promise.all(map.partnerId.names.map((name) => scan(ns.partnerIds.getByName(name), perShard)));
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
		removalPage(q) {
			return listing(q, q.since, (shard, n) => shard.listRemovals(q, n));
		},
		async listingBound(q) {
			const counts = await Promise.all((await everyPartnerShard()).map((s) => s.countListing(q.dpid, q.window)));
			return counts.reduce((sum, n) => sum + n, 0);
		},
		async backfillPage(segment, cursor, now) {
			// Shard after shard until a page's worth of visitors is evaluated, so empty shards cost no step.
			const shards = await everyVisitorShard();
			let at: BackfillCursor | null = cursor;
			let budget = BACKFILL_PAGE_USERS;
			let entered = 0;
			let left = 0;
			while (at !== null && budget > 0) {
				const index: number = at.shard ?? 0;
				const shard = shards[index];
				if (!shard) return { next: null, entered, left };
				const limit = budget;
				const page: ShardBackfillPage = await shard.backfillPage(segment, at, limit, now);
				entered += page.entered;
				left += page.left;
				budget -= page.users;
				at =
					page.users === limit && page.last !== null
						? { phase: at.phase, after: page.last, shard: index }
						: at.phase === "with-traits"
							? { phase: "traitless-members", after: "", shard: index }
							: index + 1 < shards.length
								? { phase: "with-traits", after: "", shard: index + 1 }
								: null;
			}
			return { next: at, entered, left };
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

/**
 * Each visitor shard's part of a change, in one pass over it (order kept): filtering the whole change
 * once per shard cost shards × changes, most of an inbound group's CPU at 512 shards.
 */
function changePerShard(map: ShardMap, change: TraitChange): Map<string, TraitChange> {
	const cleared = groupByShard(map.visitor, change.cleared, (c) => visitorBucket(c.uuid));
	const effects = groupByShard(map.visitor, change.effects, (e) => visitorBucket(e.uuid));
	const parts = new Map<string, TraitChange>();
	for (const name of new Set([...cleared.keys(), ...effects.keys()])) {
		parts.set(name, { ...change, cleared: cleared.get(name) ?? [], effects: effects.get(name) ?? [] });
	}
	return parts;
}

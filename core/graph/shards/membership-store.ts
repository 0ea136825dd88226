import type { GraphMemberships } from "../memberships/door";
import { usersOf, withoutVisitors } from "../memberships/plan";
import type { BackfillCursor, ListingQuery, MemberPage, MemberRow } from "../memberships/types";
import { visitorBucket } from "./bucket";
import type { ShardNamespaces } from "./namespaces";
import { byCodePoint, type ListedId } from "./partner-id-listing";
import type { PartnerIdShard } from "./partner-id-shard";
import { groupByShard, type ShardMap } from "./shard-map";
import type { ShardBackfillPage } from "./visitor-memberships";

/** Visitors a backfill page re-evaluates in one shard. */
const BACKFILL_PAGE_USERS = 2_000;

/**
 * Trait and segment memberships on the visitor shards. A trait change is one RPC per visitor shard
 * whose visitors it touches (the shard evaluates the segments itself); an outbound listing merges the
 * partner-ID shards' range scans, already in key order, and fetches memberships from the visitor
 * shards in one RPC per shard and page.
 */
export function shardedMemberships(ns: ShardNamespaces, shardMap: () => Promise<ShardMap>): GraphMemberships {
	const everyVisitorShard = async () => (await shardMap()).visitor.names.map((n) => ns.visitors.getByName(n));
	const everyPartnerShard = async () => (await shardMap()).partnerId.names.map((n) => ns.partnerIds.getByName(n));

	/** One page of a listing: the merged partner IDs, then their memberships of the mapped segments. */
	async function listing(
		q: ListingQuery,
		endedAfter: number,
		scan: (shard: DurableObjectStub<PartnerIdShard>, perShard: number) => Promise<ListedId[]>,
	): Promise<MemberPage> {
		const map = await shardMap();
		const names = map.partnerId.names;
		// About twice a page's share per shard: the merge below is exact whatever the skew.
		const perShard = Math.max(16, Math.ceil((2 * q.limit) / names.length));
		const pages = await Promise.all(names.map((name) => scan(ns.partnerIds.getByName(name), perShard)));
		// A shard that filled its page may hold more keys after its last one: the merge is complete only
		// up to the smallest such key.
		let bound: string | null = null;
		for (const page of pages) {
			const last = page.at(-1)?.dpuuid;
			if (page.length === perShard && last !== undefined && (bound === null || byCodePoint(last, bound) < 0)) {
				bound = last;
			}
		}
		const ids = pages
			.flat()
			.filter((id) => bound === null || byCodePoint(id.dpuuid, bound) <= 0)
			.sort((a, b) => byCodePoint(a.dpuuid, b.dpuuid));
		const groups = groupByShard(map.visitor, new Set(ids.map((id) => id.uuid)), visitorBucket);
		const answers = await Promise.all(
			[...groups].map(([name, uuids]) => ns.visitors.getByName(name).segmentRows(uuids, q.segments, endedAfter)),
		);
		const rowsOf = new Map(answers.flat().map((a) => [a.uuid, a.rows]));
		const rows: MemberRow[] = ids.flatMap((id) =>
			(rowsOf.get(id.uuid) ?? []).map((r) => ({ dpuuid: id.dpuuid, since: id.since, ...r })),
		);
		return { rows, next: bound };
	}

	return {
		async applyTraits(change, segments, now) {
			const map = await shardMap();
			const groups = groupByShard(map.visitor, usersOf(change), visitorBucket);
			const results = await Promise.all(
				[...groups].map(([name, users]) => {
					const here = new Set(users);
					const part = withoutVisitors(change, (uuid) => !here.has(uuid));
					return ns.visitors.getByName(name).applyTraits(part, segments, now);
				}),
			);
			return results.reduce(
				(sum, r) => ({
					removedByOverwrite: sum.removedByOverwrite + r.removedByOverwrite,
					entered: sum.entered + r.entered,
					left: sum.left + r.left,
				}),
				{ removedByOverwrite: 0, entered: 0, left: 0 },
			);
		},
		async memberships(uuid) {
			const map = await shardMap();
			const [name] = groupByShard(map.visitor, [uuid], visitorBucket).keys();
			return ns.visitors.getByName(name as string).memberships(uuid);
		},
		memberPage(q) {
			return listing(q, q.endedAfter, (shard, n) => shard.listIds(q.dpid, q.after, n));
		},
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
		async pruneRemovals(before) {
			await Promise.all((await everyPartnerShard()).map((s) => s.pruneTombstones(before)));
		},
	};
}

import type { PairEvent } from "../pair-event";
import { emptyUpsertResult } from "../records";
import type { PairStore } from "../store";
import { partnerIdBucket, visitorBucket } from "./bucket";
import { shardedMemberships } from "./membership-store";
import { mirrorChanges } from "./mirror";
import type { ShardNamespaces } from "./namespaces";
import { groupByShard, type ShardMap, shardName } from "./shard-map";

/**
 * The ID graph on sharded SQLite Durable Objects (docs/storage.md "Shards"). Every call groups its
 * keys by shard and makes one RPC per shard and step; a write touches the partner-ID shards first
 * (they decide what changed) and then mirrors the changes into the visitor shards.
 * Trait and segment memberships live in the visitor shards too (membership-store.ts).
 */
export function shardedPairStore(ns: ShardNamespaces, shardMap: () => Promise<ShardMap>): PairStore {
	const visitorShard = (map: ShardMap, uuid: string) =>
		ns.visitors.getByName(shardName(map.visitor, visitorBucket(uuid)));
	const partnerShard = (map: ShardMap, dpid: number, dpuuid: string) =>
		ns.partnerIds.getByName(shardName(map.partnerId, partnerIdBucket(dpid, dpuuid)));

	async function optedOutAmong(map: ShardMap, uuids: Iterable<string>): Promise<Set<string>> {
		const groups = groupByShard(map.visitor, new Set(uuids), visitorBucket);
		const answers = await Promise.all(
			[...groups].map(([name, list]) => ns.visitors.getByName(name).optedOutAmong(list)),
		);
		return new Set(answers.flat());
	}

	return {
		...shardedMemberships(ns, shardMap),
		async upsert(events, now = Date.now()) {
			if (events.length === 0) return emptyUpsertResult();
			const map = await shardMap();
			// A visitor who opted out must not get a mapping at all: asked before any partner ID moves.
			const optedOut = await optedOutAmong(
				map,
				events.map((e) => e.uuid),
			);
			const candidates = events.filter((e) => !optedOut.has(e.uuid));
			const groups = groupByShard(map.partnerId, candidates, (e) => partnerIdBucket(e.dpid, e.dpuuid));
			const refused = new Set<PairEvent>();
			const created = new Set<(typeof events)[number]>();
			const asserted = await Promise.all(
				[...groups].map(async ([name, group]) => {
					const result = await ns.partnerIds.getByName(name).assert(group.map(plainEvent), now);
					for (const i of result.refused) refused.add(group[i] as PairEvent);
					for (const i of result.created) created.add(group[i] as (typeof events)[number]);
					return result.changes;
				}),
			);
			const refusedLate = await mirrorChanges(asserted.flat(), now, {
				visitor: (uuid) => visitorShard(map, uuid),
				partner: (dpid, dpuuid) => partnerShard(map, dpid, dpuuid),
			});
			// A visitor who opted out between the question above and the mirror: refused there, and named.
			for (const p of refusedLate) optedOut.add(p.uuid);
			return {
				kept: candidates.filter((e) => !refused.has(e) && !optedOut.has(e.uuid)),
				created: new Set([...created].filter((e) => !optedOut.has(e.uuid))),
				optedOutVisitors: optedOut,
			};
		},
		async visitor(uuid) {
			return visitorShard(await shardMap(), uuid).read(uuid);
		},
		async partnerId(dpid, dpuuid) {
			return partnerShard(await shardMap(), dpid, dpuuid).read(dpid, dpuuid);
		},
		async isOptedOut(uuid) {
			return (await optedOutAmong(await shardMap(), [uuid])).size > 0;
		},
		async optedOutAmong(uuids) {
			return optedOutAmong(await shardMap(), uuids);
		},
		async uuidsOfPartnerIds(dpid, dpuuids) {
			const map = await shardMap();
			const groups = groupByShard(map.partnerId, new Set(dpuuids), (id) => partnerIdBucket(dpid, id));
			const answers = await Promise.all(
				[...groups].map(([name, ids]) => ns.partnerIds.getByName(name).resolve(dpid, ids)),
			);
			return new Map(answers.flat().map((r) => [r.dpuuid, r.uuid]));
		},
		async forgetVisitor(uuid, at) {
			const map = await shardMap();
			const shard = visitorShard(map, uuid);
			// Opt-out first: from here on no new pair of the visitor is accepted. A retry after a failure
			// below finds the same pairs again (they go only once the partner-ID shards let go).
			const held = await shard.optOut(uuid, at);
			const groups = groupByShard(map.partnerId, held, (k) => partnerIdBucket(k.dpid, k.dpuuid));
			await Promise.all(
				[...groups].map(([name, keys]) =>
					ns.partnerIds.getByName(name).unmap(
						keys.map((k) => ({ ...k, uuid })),
						at,
					),
				),
			);
			await shard.dropPairs(uuid);
		},
		async forgetPartnerId(dpid, dpuuid, at) {
			const map = await shardMap();
			const { held, uuid, rev } = await partnerShard(map, dpid, dpuuid).forget(dpid, dpuuid, at);
			// Also on a retry (held false, the tombstone names the visitor): the visitor's copy goes.
			if (uuid !== null) await visitorShard(map, uuid).removePair(uuid, dpid, dpuuid, rev, Date.now());
			return held;
		},
	};
}

/** Only the event's own fields cross to the shard (callers' events may carry more, e.g. a message id). */
function plainEvent({ dpid, dpuuid, uuid, at }: PairEvent): PairEvent {
	return { dpid, dpuuid, uuid, at };
}

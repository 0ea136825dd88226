import type { PairStore } from "./store";

/**
 * A deployment on its way from D1 to the shards (docs/storage.md "Migrating"): every write goes to
 * both stores, reads come from `reads`. The D1 reference is written first; the shards are written
 * second so a failure between them is retried (the queue, the workflow step) and both converge,
 * because a repeated write changes nothing more.
 */
export function dualPairStore(reads: PairStore, also: PairStore): PairStore {
	return {
		async upsert(events, now = Date.now()) {
			const result = await reads.upsert(events, now);
			await also.upsert(events, now);
			return result;
		},
		visitor: (uuid) => reads.visitor(uuid),
		partnerId: (dpid, dpuuid) => reads.partnerId(dpid, dpuuid),
		isOptedOut: (uuid) => reads.isOptedOut(uuid),
		optedOutAmong: (uuids) => reads.optedOutAmong(uuids),
		uuidsOfPartnerIds: (dpid, dpuuids) => reads.uuidsOfPartnerIds(dpid, dpuuids),
		async forgetVisitor(uuid, at) {
			await reads.forgetVisitor(uuid, at);
			await also.forgetVisitor(uuid, at);
		},
		async forgetPartnerId(dpid, dpuuid, at) {
			const [was] = await Promise.all([
				reads.forgetPartnerId(dpid, dpuuid, at),
				also.forgetPartnerId(dpid, dpuuid, at),
			]);
			return was;
		},
	};
}

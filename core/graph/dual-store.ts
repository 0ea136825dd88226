import type { BackfillCursor } from "./memberships/types";
import type { PairStore } from "./store";

/**
 * A deployment on its way from D1 to the shards (docs/storage.md "Migrating"): every write goes to
 * both stores, reads come from `reads`. The D1 reference is written first; the shards are written
 * second so a failure between them is retried (the queue, the workflow step) and both converge,
 * because a repeated write changes nothing more (trait changes are applied once per key in each).
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
		async applyTraits(change, segments, now) {
			const result = await reads.applyTraits(change, segments, now);
			await also.applyTraits(change, segments, now);
			return result;
		},
		memberships: (uuid) => reads.memberships(uuid),
		memberPage: (q) => reads.memberPage(q),
		changedMemberPage: (q) => reads.changedMemberPage(q),
		removalPage: (q) => reads.removalPage(q),
		lineFacts: (q) => reads.lineFacts(q),
		listingBound: (q) => reads.listingBound(q),
		listingCuts: (q) => reads.listingCuts(q),
		/** Both stores are backfilled, `reads` first; the counts are those of `reads`. */
		async backfillPage(segment, cursor, now) {
			if (cursor.also !== true) {
				const page = await reads.backfillPage(segment, cursor, now);
				return page.next ? page : { ...page, next: { phase: "with-traits", after: "", also: true } };
			}
			const { also: _, ...own } = cursor;
			const page = await also.backfillPage(segment, own, now);
			const next: BackfillCursor | null = page.next && { ...page.next, also: true };
			return { next, entered: 0, left: 0 };
		},
		async dropTrait(traitId) {
			await reads.dropTrait(traitId);
			await also.dropTrait(traitId);
		},
		async dropSegment(segmentId) {
			await reads.dropSegment(segmentId);
			await also.dropSegment(segmentId);
		},
		async pruneHistory(before) {
			await reads.pruneHistory(before);
			await also.pruneHistory(before);
		},
	};
}

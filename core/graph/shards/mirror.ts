import type { PartnerIdShard } from "./partner-id-shard";
import type { GraphPair, MirroredPair, MovedPair, PairChange } from "./types";
import type { VisitorShard } from "./visitor-shard";

export interface ShardStubs {
	visitor(uuid: string): DurableObjectStub<VisitorShard>;
	partner(dpid: number, dpuuid: string): DurableObjectStub<PartnerIdShard>;
}

/**
 * Mirrors what the partner-ID shards wrote into the visitor shards: one RPC per visitor shard with
 * its new rows and the pairs that moved away from its visitors. A row refused because its visitor
 * opted out in between is taken back from the partner-ID shard, as the opt-out would have done; the
 * refused rows are returned.
 */
export async function mirrorChanges(
	changes: readonly PairChange[],
	now: number,
	stubs: ShardStubs,
): Promise<GraphPair[]> {
	if (changes.length === 0) return [];
	// Keyed by the object's id: the same shard may be reached from several visitors.
	const byId = new Map<string, { stub: DurableObjectStub<VisitorShard>; pairs: MirroredPair[]; moved: MovedPair[] }>();
	const work = (uuid: string) => {
		const s = stubs.visitor(uuid);
		const key = s.id.toString();
		const entry = byId.get(key) ?? { stub: s, pairs: [], moved: [] };
		byId.set(key, entry);
		return entry;
	};
	for (const c of changes) {
		work(c.uuid).pairs.push({
			dpid: c.dpid,
			dpuuid: c.dpuuid,
			uuid: c.uuid,
			firstSeen: c.firstSeen,
			lastSeen: c.lastSeen,
			rev: c.rev,
			repaired: c.repaired,
		});
		if (c.movedFrom) work(c.movedFrom).moved.push({ dpid: c.dpid, dpuuid: c.dpuuid, uuid: c.movedFrom, rev: c.rev });
	}
	const refused = (
		await Promise.all([...byId.values()].map(async (e) => (await e.stub.recordPairs(e.pairs, e.moved, now)).refused))
	).flat();
	await Promise.all(refused.map((p) => stubs.partner(p.dpid, p.dpuuid).unmap([p], now)));
	return refused;
}

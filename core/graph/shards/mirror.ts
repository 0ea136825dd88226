import type { PartnerIdShard } from "./partner-id-shard";
import type { GraphPair, PairChange, PartnerIdKey } from "./types";
import type { VisitorShard } from "./visitor-shard";

type Removal = PartnerIdKey & { uuid: string };

export interface ShardStubs {
	visitor(uuid: string): DurableObjectStub<VisitorShard>;
	partner(dpid: number, dpuuid: string): DurableObjectStub<PartnerIdShard>;
}

/**
 * Mirrors what the partner-ID shards wrote into the visitor shards: one RPC per visitor shard with
 * its new rows and the pairs that moved away from its visitors. A row refused because its visitor
 * opted out in between is taken back from the partner-ID shard, as the opt-out would have done.
 */
export async function mirrorChanges(changes: readonly PairChange[], now: number, stubs: ShardStubs): Promise<void> {
	if (changes.length === 0) return;
	// Keyed by the object's id: the same shard may be reached from several visitors.
	const byId = new Map<string, { stub: DurableObjectStub<VisitorShard>; pairs: GraphPair[]; removals: Removal[] }>();
	const work = (uuid: string) => {
		const s = stubs.visitor(uuid);
		const key = s.id.toString();
		const entry = byId.get(key) ?? { stub: s, pairs: [], removals: [] };
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
		});
		if (c.movedFrom) work(c.movedFrom).removals.push({ dpid: c.dpid, dpuuid: c.dpuuid, uuid: c.movedFrom });
	}
	const refused = (
		await Promise.all([...byId.values()].map(async (e) => (await e.stub.recordPairs(e.pairs, e.removals)).refused))
	).flat();
	await Promise.all(refused.map((p) => stubs.partner(p.dpid, p.dpuuid).unmap([p], now)));
}

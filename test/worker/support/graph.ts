import { env } from "cloudflare:workers";
import { d1PairStore } from "../../../core/graph/d1-store";
import { pairStoreOf } from "../../../core/graph/select";
import { initialRanges, type ShardMap, shardMapOf } from "../../../core/graph/shards/shard-map";
import { shardedPairStore } from "../../../core/graph/shards/store";
import type { PairStore } from "../../../core/graph/store";

let stores = 0;

/**
 * The two implementations of the graph, each fresh: the D1 reference (reset before every test) and a
 * sharded store on 4 visitor and 3 partner-ID objects of its own (names unique per call, so a test
 * can hold two sharded stores that share nothing).
 */
export function graphStores(): Record<"d1" | "shards", PairStore> & {
	shardNames: { visitor: string[]; partnerId: string[] };
	map: ShardMap;
} {
	const tag = `t${++stores}`;
	const rename = (r: ReturnType<typeof initialRanges>[number]) => ({ ...r, shard: `${tag}-${r.shard}` });
	const map = shardMapOf(1, [...initialRanges("visitor", 4), ...initialRanges("partner_id", 3)].map(rename));
	return {
		map,
		shardNames: { visitor: [...map.visitor.names], partnerId: [...map.partnerId.names] },
		d1: d1PairStore(env.DB),
		shards: shardedPairStore({ visitors: env.VISITOR_SHARDS, partnerIds: env.PARTNER_ID_SHARDS }, async () => map),
	};
}

/** The trait ids a visitor holds, read through the configured store. */
export async function traitIdsOf(uuid: string): Promise<number[]> {
	return (await pairStoreOf(env).memberships(uuid)).traits.map((t) => t.traitId);
}

/**
 * Where each of `uuids` stands in a segment, read through the configured store: `<first char> in` or
 * `<first char> left` for those that ever entered it.
 */
export async function segmentStates(segmentId: number, uuids: readonly string[]): Promise<string[]> {
	const states = await Promise.all(
		uuids.map(async (uuid) => {
			const row = (await pairStoreOf(env).memberships(uuid)).segmentHistory.find((r) => r.segmentId === segmentId);
			return row ? [`${uuid.slice(0, 1)} ${row.leftAt === null ? "in" : "left"}`] : [];
		}),
	);
	return states.flat();
}

/** Of `uuids`, those in the segment now (read through the configured store, in the order given). */
export async function membersAmong(segmentId: number, uuids: readonly string[]): Promise<string[]> {
	const isIn = await Promise.all(
		uuids.map(async (uuid) => (await pairStoreOf(env).memberships(uuid)).segments.includes(segmentId)),
	);
	return uuids.filter((_, i) => isIn[i]);
}

import { settingsOf } from "../config/settings";
import { d1PairStore } from "./d1-store";
import { dualPairStore } from "./dual-store";
import { currentShardMap } from "./shards/map-store";
import { shardedPairStore } from "./shards/store";
import type { PairStore } from "./store";

/**
 * The store GRAPH_STORE names: "d1" (the reference), "shards", or both while a deployment migrates
 * ("d1+shards" writes both and reads D1; "shards+d1" writes both and reads the shards).
 */
export function pairStoreOf(env: Env): PairStore {
	const { graphStore, visitorShardCount, partnerIdShardCount } = settingsOf(env);
	const d1 = () => d1PairStore(env.DB);
	const shards = () =>
		shardedPairStore({ visitors: env.VISITOR_SHARDS, partnerIds: env.PARTNER_ID_SHARDS }, () =>
			currentShardMap(env.DB, { visitor: visitorShardCount, partnerId: partnerIdShardCount }),
		);
	switch (graphStore) {
		case "d1":
			return d1();
		case "shards":
			return shards();
		case "d1+shards":
			return dualPairStore(d1(), shards());
		case "shards+d1":
			return dualPairStore(shards(), d1());
	}
}

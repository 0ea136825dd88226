import type { PartnerIdShard } from "./partner-id-shard";
import type { VisitorShard } from "./visitor-shard";

/** The two Durable Object namespaces the sharded store talks to. */
export interface ShardNamespaces {
	visitors: DurableObjectNamespace<VisitorShard>;
	partnerIds: DurableObjectNamespace<PartnerIdShard>;
}

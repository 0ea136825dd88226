import type { GraphMemberships } from "./memberships/door";
import type { PairEvent } from "./pair-event";
import type { PartnerIdRecord, UpsertResult, VisitorRecord } from "./records";

/**
 * The one door to the ID graph. Routes, the queue consumer and the batch pipelines talk to this
 * interface only; `pairStoreOf` (select.ts) picks the implementation: the D1 reference (d1-store.ts),
 * the sharded Durable Objects (shards/store.ts), or both while a deployment migrates (dual-store.ts).
 */
export interface PairStore extends GraphMemberships {
	/**
	 * Records sightings written at `now` ("most recent mapping wins"); events of opted-out visitors or
	 * partner IDs are refused. A retry of the same batch changes nothing more.
	 */
	upsert<E extends PairEvent>(events: readonly E[], now?: number): Promise<UpsertResult<E>>;
	/** The visitor's pairs and opt-out state (one shard answers it all). */
	visitor(uuid: string): Promise<VisitorRecord>;
	/** The visitor a partner ID maps to, and its opt-out state. */
	partnerId(dpid: number, dpuuid: string): Promise<PartnerIdRecord>;
	isOptedOut(uuid: string): Promise<boolean>;
	/** The visitors among `uuids` who opted out. */
	optedOutAmong(uuids: readonly string[]): Promise<Set<string>>;
	/** The UUIDs that partner `dpid`'s user IDs are paired with (IDs the graph does not hold are left out). */
	uuidsOfPartnerIds(dpid: number, dpuuids: readonly string[]): Promise<Map<string, string>>;
	/**
	 * Global opt-out: remembered for good; every pair and trait membership of the visitor removed, every
	 * segment left; the deleted pairs kept as tombstones until outbound files have listed the removal.
	 */
	forgetVisitor(uuid: string, at: number): Promise<void>;
	/**
	 * Opt-out from one partner: a partner ID the graph holds is erased and never paired again. Resolves
	 * to whether it was there (an unknown ID leaves no trace, so callers cannot grow storage).
	 */
	forgetPartnerId(dpid: number, dpuuid: string, at: number): Promise<boolean>;
}

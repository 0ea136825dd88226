/** Values passed between the sharded store and its shard objects (RPC arguments and results). */

export interface PartnerIdKey {
	dpid: number;
	dpuuid: string;
}

/** A partner ID's mapping to a visitor, with the times the edge first and last saw it (Unix ms). */
export interface GraphPair extends PartnerIdKey {
	uuid: string;
	firstSeen: number;
	lastSeen: number;
}

/**
 * A mapping as a visitor shard mirrors it. `rev` orders the writes of one partner ID (its partner-ID
 * shard numbers every write it makes), so mirrors that arrive out of order are put back in order.
 */
export interface MirroredPair extends GraphPair {
	rev: number;
	/**
	 * This write gave the ID its visitor anew (its paired time moved, even when a batch moved it away and
	 * back): a change for the visitor's iter files, whether or not its shard held the pair already.
	 */
	repaired?: boolean;
}

/** What a partner-ID shard wrote for one key: the row now, its revision, and the visitor it left if it moved. */
export interface PairChange extends MirroredPair {
	movedFrom: string | null;
}

export interface AssertResult {
	changes: PairChange[];
	/** Positions (in the events passed) of the first sighting of each partner ID the graph did not hold. */
	created: number[];
	/** Positions of events whose partner ID has opted out. */
	refused: number[];
	rowsWritten: number;
}

/** A pair taken from `uuid` (moved to another visitor, or opted out) by the partner ID's write `rev`. */
export interface MovedPair extends PartnerIdKey {
	uuid: string;
	rev: number;
}

export interface ShardSize {
	/** Pairs (visitor shards) or mappings (partner-ID shards). */
	rows: number;
	optOuts: number;

	bytes: number;
	rowsWritten: number;
}

/** A mapping as D1 holds it, copied into the shards by the graph copy. */
export interface CopiedMapping extends GraphPair {
	pairedAt: number;
}
export interface CopiedPartnerOptOut extends PartnerIdKey {
	optedOutAt: number;
}
export interface CopiedTombstone extends PartnerIdKey {
	uuid: string;
	removedAt: number;
}

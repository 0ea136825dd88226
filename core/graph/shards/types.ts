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

/** What a partner-ID shard wrote for one key: the row now, and the visitor it left if it moved. */
export interface PairChange extends GraphPair {
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

export interface ShardSize {
	rows: number;
	bytes: number;
	rowsWritten: number;
}

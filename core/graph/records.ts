/** What the graph answers about one visitor or one partner ID, whichever store holds it. */

export interface VisitorPairRecord {
	dpid: number;
	dpuuid: string;
	/** Unix ms. */
	firstSeen: number;
	lastSeen: number;
}

export interface VisitorRecord {
	uuid: string;
	optedOutAt: number | null;
	/** In (dpid, dpuuid) order. */
	pairs: VisitorPairRecord[];
}

export interface PartnerIdRecord {
	dpid: number;
	dpuuid: string;
	/** null when the graph holds no mapping (never seen, or erased by an opt-out). */
	uuid: string | null;
	firstSeen: number | null;
	lastSeen: number | null;
	/** When the ID got (or moved to) its visitor. */
	pairedAt: number | null;
	optedOutAt: number | null;
}

/** When each partner last synced with the visitor (the newest of its IDs), for /id's due syncs. */
export function lastSeenByPartner(visitor: VisitorRecord): Map<number, number> {
	const seen = new Map<number, number>();
	for (const p of visitor.pairs) seen.set(p.dpid, Math.max(seen.get(p.dpid) ?? 0, p.lastSeen));
	return seen;
}

/** What `upsert` did with a batch of sightings. */
export interface UpsertResult<E> {
	/** The events that were not refused by an opt-out (of the visitor or of the partner ID). */
	kept: E[];
	/** Of the kept events, the first sighting of each partner ID the graph did not hold before. */
	created: Set<E>;
	/**
	 * The visitors among the events who had opted out: all their events were refused. Callers that
	 * count by visitor (the ID-sync file's receipt) learn it here instead of asking the graph first.
	 */
	optedOutVisitors: Set<string>;
}

export function emptyUpsertResult<E>(): UpsertResult<E> {
	return { kept: [], created: new Set(), optedOutVisitors: new Set() };
}

/** A mapping row as both stores read it (snake_case columns), or none. */
export interface MappingColumns {
	uuid: string | null;
	first_seen: number | null;
	last_seen: number | null;
	paired_at: number | null;
}

export function partnerIdRecordOf(
	dpid: number,
	dpuuid: string,
	row: MappingColumns | null | undefined,
	optedOutAt: number | null,
): PartnerIdRecord {
	return {
		dpid,
		dpuuid,
		uuid: row?.uuid ?? null,
		firstSeen: row?.first_seen ?? null,
		lastSeen: row?.last_seen ?? null,
		pairedAt: row?.paired_at ?? null,
		optedOutAt,
	};
}

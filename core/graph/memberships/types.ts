/** Values of trait and segment memberships, whichever store holds them (RPC arguments and results too). */

/** One trait given to (`add`) or taken from a visitor. */
export interface MembershipChange {
	uuid: string;
	trait: number;
	add: boolean;
}

/**
 * What one inbound chunk does to the traits of one data source. `key` makes it exactly once: applying a
 * change whose key was applied before writes nothing and answers what the first application answered.
 */
export interface TraitChange {
	key: string;
	source: number;
	/**
	 * Users whose traits of `source` an .overwrite replaces, with the traits their first line sets
	 * (a held trait the line sets again is not counted as removed).
	 */
	cleared: ReadonlyArray<{ uuid: string; keep: readonly number[] }>;
	/** At most one per user and trait. */
	effects: readonly MembershipChange[];
}

export interface TraitApplyResult {
	/** Traits of the source that an .overwrite took away (for the receipt's removed count). */
	removedByOverwrite: number;
	entered: number;
	left: number;
	/**
	 * Visitors of the change who opted out: nothing was written for them. The caller need not ask who
	 * opted out before applying (one round of calls to every shard less); it recounts their lines.
	 * Sorted, so both stores answer alike.
	 */
	refused: string[];
}

/** A result as stored with its key; results stored before `refused` existed had none. */
export function storedApplyResult(json: string): TraitApplyResult {
	const stored = JSON.parse(json) as Omit<TraitApplyResult, "refused"> & { refused?: string[] };
	return { ...stored, refused: stored.refused ?? [] };
}

/** A trait a visitor holds, with the data source that gave it. */
export interface HeldTrait {
	uuid: string;
	traitId: number;
	dpid: number;
}

/** A segment entered or left: [segment id, uuid]. */
export type Membership = [segmentId: number, uuid: string];

/** What a visitor holds besides pairs, for the admin API. */
export interface VisitorMemberships {
	/** In trait id order. */
	traits: Array<{ traitId: number; dpid: number }>;
	/** The segments the visitor is in now, in id order. */
	segments: number[];
	/** Every segment the visitor entered, with when, and when it left (rows stay so iter files list exits). */
	segmentHistory: Array<{ segmentId: number; enteredAt: number; leftAt: number | null }>;
}

/**
 * One row of an outbound listing: a partner ID with one membership of a mapped segment. `since` is
 * when the ID got its visitor (paired rows) or lost it to an opt-out (removal rows).
 */
export interface MemberRow {
	dpuuid: string;
	/** The visitor the ID is paired with (removal rows: the one it was paired with before the opt-out). */
	uuid: string;
	since: number;
	segment_id: number;
	entered_at: number;
	left_at: number | null;
}

/**
 * What an outbound template may write about a member beyond its segments: the partner's IDs paired
 * with the visitor (DP_UUID_LIST) and the visitor's traits among those asked for (TRAIT_LIST), each in
 * ascending order.
 */
export interface VisitorLineFacts {
	uuid: string;
	dpuuids: string[];
	traits: Array<{ traitId: number; realizedAt: number }>;
}

/** A page of an outbound listing: whole partner IDs in key order, and where the next page starts. */
export interface MemberPage {
	rows: MemberRow[];
	/** The last partner ID covered; null when the listing is done. */
	next: string | null;
}

export interface ListingQuery {
	dpid: number;
	segments: readonly number[];
	/** Partner IDs after this one (key order). */
	after: string;
	/** About how many rows a page holds. */
	limit: number;
}

/**
 * Where a segment backfill stands; `shard` is the sharded store's position (D1 has one), `also` marks
 * the second store of a dual write.
 */
export interface BackfillCursor {
	phase: "with-traits" | "traitless-members";
	after: string;
	shard?: number;
	also?: boolean;
}
export const BACKFILL_START: BackfillCursor = { phase: "with-traits", after: "" };

export interface BackfillPage {
	next: BackfillCursor | null;
	entered: number;
	left: number;
}

import type { SegmentDef } from "./segment-rule";
import type {
	BackfillCursor,
	BackfillPage,
	ListingQuery,
	MemberPage,
	TraitApplyResult,
	TraitChange,
	VisitorLineFacts,
	VisitorMemberships,
} from "./types";

/** Visitors one backfill page re-evaluates, in either store. */
export const BACKFILL_PAGE_USERS = 2_000;

/**
 * Windows one listing may be cut into: every shard samples its keys about 4 × windows times, and the plan
 * holds all samples at once (about 500,000 keys at 256 partner-ID shards).
 */
export const MAX_LISTING_WINDOWS = 500;

/** The refusal of a listing too large for its window size. */
export function tooManyWindows(ids: number, most: number): Error {
	return new Error(
		`${ids} partner IDs need more than ${MAX_LISTING_WINDOWS} files of ${most} lines: raise the destination's split size (split_lines)`,
	);
}

/** How long an applied change's key is remembered: far beyond any Workflow step's retries. */
export const APPLIED_KEYS_KEPT_MS = 30 * 86_400_000;

/**
 * The trait and segment half of the graph door (core/graph/store.ts): who holds which trait, who is in
 * which segment, and the listings outbound files are written from. Segments are evaluated where the
 * traits are, so a trait change and the segment entries and exits it causes are written together.
 */
export interface GraphMemberships {
	/**
	 * Applies one trait change of a data source and evaluates `segments` for its users; exactly once
	 * per `change.key` (a second application answers the first result and writes nothing).
	 */
	applyTraits(change: TraitChange, segments: readonly SegmentDef[], now: number): Promise<TraitApplyResult>;
	memberships(uuid: string): Promise<VisitorMemberships>;
	/** Paired partner IDs of `dpid` with their memberships of `segments` that had not ended by `endedAfter`. */
	memberPage(q: ListingQuery & { endedAfter: number }): Promise<MemberPage>;
	/**
	 * An iter run's paired listing: the partner IDs of `dpid` whose line may have changed in (since,
	 * until] (changedInWindow), with their memberships of `segments` that had not ended by `since`.
	 */
	changedMemberPage(q: ListingQuery & { since: number; until: number }): Promise<MemberPage>;
	/** For outbound templates: each visitor's IDs of `dpid` and its traits among `traits` (input order). */
	lineFacts(q: { dpid: number; uuids: readonly string[]; traits: readonly number[] }): Promise<VisitorLineFacts[]>;
	/** Partner IDs an opt-out removed in (since, until], with the memberships they may still hold. */
	removalPage(q: ListingQuery & { since: number; until: number }): Promise<MemberPage>;
	/** At least as many partner IDs as the member listing (and the removal listing of `window`) holds. */
	listingBound(q: {
		dpid: number;
		segments: readonly number[];
		endedAfter: number;
		window: { since: number; until: number } | null;
	}): Promise<number>;
	/**
	 * Keys that cut the member listing (memberPage's) into windows (−∞, c1], (c1, c2], …, (ck, ∞) of at
	 * most `most` partner IDs each, more than half full; none when it fits one. A full run names its files
	 * from them before writing any.
	 */
	listingCuts(q: { dpid: number; segments: readonly number[]; endedAfter: number; most: number }): Promise<string[]>;
	/** Re-evaluates one segment for a page of users (a backfill after the segment was saved). */
	backfillPage(segment: SegmentDef, cursor: BackfillCursor, now: number): Promise<BackfillPage>;
	/** A deleted trait is held by no one; a deleted segment has no members. */
	dropTrait(traitId: number): Promise<void>;
	dropSegment(segmentId: number): Promise<void>;
	/** Forgets opt-out removals and the change log older than `before` (every iter run has read them). */
	pruneHistory(before: number): Promise<void>;
}

import { BUCKETS, partnerIdBucket, visitorBucket } from "../../../core/graph/shards/bucket";

/**
 * Whose bucket a line goes to: the bucket of the user ID the delivery's per-user rules count (the
 * 200-lines rule, distinct devices), hashed as the graph hashes it. All lines of a user share it, so
 * they land in one group; and a group's IDs sit in the few shards that hold its buckets.
 */
export type LineRoute =
	/** A trait file keyed by edgesync UUIDs: the visitor's bucket. */
	| { kind: "visitor" }
	/** A trait file keyed by the partner's IDs, or an ID-sync file (counted by the DPID's IDs). */
	| { kind: "partner_id"; dpid: number };

export function bucketOfLine(route: LineRoute, userId: string): number {
	return route.kind === "visitor" ? visitorBucket(userId) : partnerIdBucket(route.dpid, userId);
}

/** Lines per bucket, as the split counts them: one number per bucket. */
export type BucketLines = number[];

export function noBucketLines(): BucketLines {
	return new Array<number>(BUCKETS).fill(0);
}

export function addBucketLines(into: BucketLines, more: readonly number[]): BucketLines {
	for (let b = 0; b < BUCKETS; b++) into[b] = (into[b] ?? 0) + (more[b] ?? 0);
	return into;
}

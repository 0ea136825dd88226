import { BUCKETS } from "../../../core/graph/shards/bucket";
import type { BucketLines } from "./route";

/** Buckets `first..last` (inclusive), applied by one step: every line of their users. */
export interface GroupRange {
	first: number;
	last: number;
	lines: number;
}

/**
 * Cuts the buckets into contiguous groups of about `linesPerGroup` lines, in bucket order. A bucket
 * is never cut (its users' lines must stay together), so one heavy bucket makes one big group; empty
 * buckets cost nothing. Pure and deterministic: the Workflow plans from its split steps' results and
 * replays to the same groups.
 */
export function planGroups(bucketLines: Readonly<BucketLines>, linesPerGroup: number): GroupRange[] {
	const groups: GroupRange[] = [];
	let first = -1;
	let lines = 0;
	for (let b = 0; b < BUCKETS; b++) {
		const here = bucketLines[b] ?? 0;
		if (here === 0) continue;
		if (first < 0) first = b;
		lines += here;
		if (lines >= linesPerGroup) {
			groups.push({ first, last: b, lines });
			first = -1;
			lines = 0;
		}
	}
	if (first >= 0) groups.push({ first, last: BUCKETS - 1, lines });
	return groups;
}

import { byCodePoint } from "../key-order";

/** How many keys to ask each of `shards` for, for a page of about `limit`: twice its share, at least 16. */
export function perShardOf(limit: number, shards: number): number {
	return Math.max(16, Math.ceil((2 * limit) / shards));
}

/**
 * Merges pages of partner IDs that shards read in key order, each at most `perShard` long. A shard that
 * filled its page may hold more after its last key, so the merge is exact only up to the smallest such
 * key: the items up to it, in key order, and that key as where the next page starts (null when every
 * shard said all it had).
 */
export function mergeOrdered<T extends { dpuuid: string }>(
	pages: readonly T[][],
	perShard: number,
): { items: T[]; bound: string | null } {
	let bound: string | null = null;
	for (const page of pages) {
		const last = page.at(-1)?.dpuuid;
		if (page.length === perShard && last !== undefined && (bound === null || byCodePoint(last, bound) < 0)) {
			bound = last;
		}
	}
	const items = pages
		.flat()
		.filter((item) => bound === null || byCodePoint(item.dpuuid, bound) <= 0)
		.sort((a, b) => byCodePoint(a.dpuuid, b.dpuuid));
	return { items, bound };
}

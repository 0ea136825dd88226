/**
 * Logical buckets of the ID graph. A key's bucket is a pure function of the key, fixed for good; the
 * shard map (shard-map.ts) decides which shard object holds a bucket, so shards can later be split or
 * moved without rehashing a single ID.
 */
export const BUCKETS = 4096;

const encoder = new TextEncoder();

/** 32-bit FNV-1a: fast, well spread over short keys, and the same in every runtime. */
export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (const byte of encoder.encode(text)) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** A visitor's bucket. UUIDs are hashed too: a UUID's digits are not promised to be uniform. */
export function visitorBucket(uuid: string): number {
	return fnv1a(uuid) % BUCKETS;
}

/** A partner ID's bucket: the hash of `dpid:dpuuid`. */
export function partnerIdBucket(dpid: number, dpuuid: string): number {
	return fnv1a(`${dpid}:${dpuuid}`) % BUCKETS;
}

/**
 * Logical buckets of the ID graph. A key's bucket is a pure function of the key, fixed for good; the
 * shard map (shard-map.ts) decides which shard object holds a bucket, so shards can later be split or
 * moved without rehashing a single ID.
 */
export const BUCKETS = 4096;

const encoder = new TextEncoder();

/** 32-bit FNV-1a over the UTF-8 bytes: fast, well spread over short keys, and the same in every runtime. */
export function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	// An ASCII character is its own UTF-8 byte: most IDs hash without encoding (a batch hashes every key).
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x80) return fnv1aBytes(encoder.encode(text));
		hash ^= code;
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

function fnv1aBytes(bytes: Uint8Array): number {
	let hash = 0x811c9dc5;
	for (const byte of bytes) {
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

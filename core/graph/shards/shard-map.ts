import { BUCKETS } from "./bucket";

export type ShardKind = "visitor" | "partner_id";

/** One row of the map: buckets `first..last` (inclusive) live in the shard object named `shard`. */
export interface ShardRange {
	kind: ShardKind;
	firstBucket: number;
	lastBucket: number;
	shard: string;
}

/** Bucket → shard for one kind, as an array lookup (the map is read for every event). */
export interface ShardLookup {
	names: readonly string[];
	indexOfBucket: Uint16Array;
}

/** The map in force: its version and a lookup per kind. */
export interface ShardMap {
	version: number;
	visitor: ShardLookup;
	partnerId: ShardLookup;
}

const PREFIX: Record<ShardKind, string> = { visitor: "visitors", partner_id: "partner-ids" };

/**
 * The first map of a deployment: `shards` contiguous, equal runs of buckets. Contiguous runs keep
 * a pair queue (partitioned by bucket range too) talking to few visitor shards per batch.
 */
export function initialRanges(kind: ShardKind, shards: number): ShardRange[] {
	if (!Number.isInteger(shards) || shards < 1 || shards > BUCKETS) {
		throw new RangeError(`${kind} shards must be a whole number from 1 to ${BUCKETS}, got ${shards}`);
	}
	return Array.from({ length: shards }, (_, i) => ({
		kind,
		firstBucket: Math.floor((i * BUCKETS) / shards),
		lastBucket: Math.floor(((i + 1) * BUCKETS) / shards) - 1,
		shard: `${PREFIX[kind]}-${String(i).padStart(4, "0")}`,
	}));
}

/** Builds the lookup of one kind; refuses a map with a gap or an overlap (a bucket must have one home). */
export function lookupOf(kind: ShardKind, ranges: readonly ShardRange[]): ShardLookup {
	const names: string[] = [];
	const indexOfBucket = new Uint16Array(BUCKETS).fill(0xffff);
	for (const range of ranges) {
		if (range.kind !== kind) continue;
		let index = names.indexOf(range.shard);
		if (index < 0) index = names.push(range.shard) - 1;
		for (let b = range.firstBucket; b <= range.lastBucket; b++) {
			if (indexOfBucket[b] !== 0xffff) throw new Error(`shard map: ${kind} bucket ${b} is mapped twice`);
			indexOfBucket[b] = index;
		}
	}
	const gap = indexOfBucket.indexOf(0xffff);
	if (gap >= 0) throw new Error(`shard map: ${kind} bucket ${gap} has no shard`);
	return { names, indexOfBucket };
}

export function shardMapOf(version: number, ranges: readonly ShardRange[]): ShardMap {
	return { version, visitor: lookupOf("visitor", ranges), partnerId: lookupOf("partner_id", ranges) };
}

export function shardName(lookup: ShardLookup, bucket: number): string {
	return lookup.names[lookup.indexOfBucket[bucket] ?? 0] as string;
}

/** Groups items by the shard their bucket maps to, keeping their order within each shard. */
export function groupByShard<T>(
	lookup: ShardLookup,
	items: Iterable<T>,
	bucketOf: (item: T) => number,
): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const name = shardName(lookup, bucketOf(item));
		const group = groups.get(name);
		if (group) group.push(item);
		else groups.set(name, [item]);
	}
	return groups;
}

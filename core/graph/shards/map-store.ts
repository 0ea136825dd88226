import * as sql from "./map-queries";
import { initialRanges, type ShardMap, type ShardRange, shardMapOf } from "./shard-map";

export interface ShardCounts {
	visitor: number;
	partnerId: number;
}

/** The map changes only through a reshard; an isolate reads it again after this long. */
const CACHE_MS = 60_000;

// A finished value only, never a read in flight: a D1 read belongs to the request that started it.
let cached: { at: number; db: D1Database; map: ShardMap } | null = null;

/**
 * The shard map in force, cached per isolate. A deployment's first call writes version 1 from the
 * configured counts; after that the stored map wins, and a changed count is reported, not obeyed
 * (moving buckets between shards is a reshard, which copies data first).
 */
export async function currentShardMap(db: D1Database, counts: ShardCounts, now = Date.now()): Promise<ShardMap> {
	if (cached && cached.db === db && now - cached.at < CACHE_MS) return cached.map;
	let rows = await readRanges(db);
	if (rows.length === 0) {
		const first = [...initialRanges("visitor", counts.visitor), ...initialRanges("partner_id", counts.partnerId)];
		await db.prepare(sql.WRITE_FIRST_MAP).bind(JSON.stringify(first), now).run();
		rows = await readRanges(db);
	}
	const version = rows[0]?.version ?? 1;
	const map = shardMapOf(version, rows);
	warnIfCountsMoved(map, counts);
	cached = { at: now, db, map };
	return map;
}

export function forgetShardMap(): void {
	cached = null;
}

async function readRanges(db: D1Database): Promise<Array<ShardRange & { version: number }>> {
	const { results } = await db.prepare(sql.CURRENT_MAP).all<sql.ShardRangeRow>();
	return results.map((r) => ({
		version: r.version,
		kind: r.kind,
		firstBucket: r.first_bucket,
		lastBucket: r.last_bucket,
		shard: r.shard,
	}));
}

function warnIfCountsMoved(map: ShardMap, counts: ShardCounts): void {
	if (map.visitor.names.length !== counts.visitor || map.partnerId.names.length !== counts.partnerId) {
		console.warn(
			`shard map v${map.version} has ${map.visitor.names.length} visitor and ${map.partnerId.names.length} partner-ID shards; ` +
				`the configured ${counts.visitor}/${counts.partnerId} apply only to a new deployment (docs/storage.md "Shards")`,
		);
	}
}

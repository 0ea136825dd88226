/** SQL of the shard map (table: migrations/0011_shard_map.sql). */

/** The ranges of the newest version. */
export const CURRENT_MAP = `SELECT version, kind, first_bucket, last_bucket, shard FROM shard_map
WHERE version = (SELECT max(version) FROM shard_map)`;
export interface ShardRangeRow {
	version: number;
	kind: "visitor" | "partner_id";
	first_bucket: number;
	last_bucket: number;
	shard: string;
}

/**
 * ?1 = JSON array of ranges, ?2 = now: writes version 1 unless a map exists. Two isolates that race
 * to write it write the same rows from the same configuration; "WHERE NOT EXISTS" keeps a later
 * version from being joined by a stale first one.
 */
export const WRITE_FIRST_MAP = `INSERT INTO shard_map (version, kind, first_bucket, last_bucket, shard, created_at)
SELECT 1, r.value ->> '$.kind', r.value ->> '$.firstBucket', r.value ->> '$.lastBucket', r.value ->> '$.shard', ?2
FROM json_each(?1) AS r
WHERE NOT EXISTS (SELECT 1 FROM shard_map WHERE version > 1)
ON CONFLICT DO NOTHING`;

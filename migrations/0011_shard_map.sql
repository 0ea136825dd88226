-- The shard map of the ID graph (docs/storage.md "Shards"): which Durable Object holds each run of
-- buckets, per kind. Versions are kept: the newest is in force; an older one says where data was.
CREATE TABLE shard_map (
	version INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('visitor', 'partner_id')),
	first_bucket INTEGER NOT NULL,
	last_bucket INTEGER NOT NULL,
	shard TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (version, kind, first_bucket)
) WITHOUT ROWID;

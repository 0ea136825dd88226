-- Copies of the ID graph from D1 into the shards (docs/storage.md "Migrating to the shards"): one row
-- per run of the GraphCopyWorkflow, with where it is and, at the end, D1's counts beside the shards'.
CREATE TABLE graph_copies (
	id TEXT PRIMARY KEY,
	started_at INTEGER NOT NULL,
	finished_at INTEGER,
	phase TEXT NOT NULL,
	-- JSON: rows copied per phase.
	copied TEXT NOT NULL DEFAULT '{}',
	-- JSON: { d1, shards, complete } once the copy has compared the two.
	counts TEXT
) WITHOUT ROWID;

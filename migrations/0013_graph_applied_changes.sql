-- Trait changes the graph has applied, by key (an inbound delivery's chunk): a retried step finds its
-- key here and writes nothing twice, in D1 as inside a visitor shard. Kept 30 days.
CREATE TABLE graph_applied_changes (
	key TEXT PRIMARY KEY,
	result TEXT NOT NULL,
	applied_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Old keys are pruned by time.
CREATE INDEX graph_applied_changes_by_time ON graph_applied_changes (applied_at);

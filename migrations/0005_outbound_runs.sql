-- Scheduling state of each destination, kept apart from its settings so that replacing a destination
-- (PUT) never loses its watermark or lets a second run start.
CREATE TABLE destination_state (
	destination_id INTEGER PRIMARY KEY REFERENCES destinations (id) ON DELETE CASCADE,
	-- The schedule next_run_at was computed from; a changed schedule is noticed and recomputed.
	schedule TEXT NOT NULL,
	-- When the next scheduled run is due (Unix ms).
	next_run_at INTEGER NOT NULL,
	-- The run in progress, if any: claimed with a conditional UPDATE, so runs never overlap.
	running_run TEXT,
	-- iter watermark: every change up to this time (Unix ms) is in a delivered file.
	delivered_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- One row per outbound run: what was written, where it went, how long it took.
CREATE TABLE outbound_runs (
	-- `<destination id>-<timestamp13>`; the timestamp is the one in the file names.
	id TEXT PRIMARY KEY,
	destination_id INTEGER NOT NULL,
	dpid INTEGER NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('full', 'iter')),
	-- 'schedule' (cron) or 'manual' (admin API).
	trigger TEXT NOT NULL,
	timestamp INTEGER NOT NULL,
	-- Changes in (since, until] are listed (iter); full files are members as of `until`.
	since INTEGER NOT NULL,
	until INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('running', 'delivered', 'failed')),
	-- JSON: the .info file's `files` entries (name, bytes, lines, sequence, md5).
	files TEXT NOT NULL DEFAULT '[]',
	lines INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	-- JSON: outcome per delivery target ({"r2": {...}, "https": {...}, "s3": {...}}).
	deliveries TEXT NOT NULL DEFAULT '{}',
	error TEXT,
	started_at INTEGER NOT NULL,
	finished_at INTEGER
);
-- A destination's run history, newest first (admin API, dashboard).
CREATE INDEX outbound_runs_by_destination ON outbound_runs (destination_id, started_at);
-- Recent runs across destinations (dashboard, stats).
CREATE INDEX outbound_runs_by_start ON outbound_runs (started_at);

-- Partner user IDs whose pair was deleted by an opt-out. The pair is gone, but the partner must still
-- be told once, in the next iter file, that this ID left its segments. Pruned after 30 days.
CREATE TABLE outbound_tombstones (
	dpid INTEGER NOT NULL,
	dpuuid TEXT NOT NULL,
	uuid TEXT NOT NULL,
	removed_at INTEGER NOT NULL,
	PRIMARY KEY (dpid, dpuuid)
) WITHOUT ROWID;
CREATE INDEX outbound_tombstones_by_time ON outbound_tombstones (removed_at);

-- Who gets the optional summary e-mail after each run of a destination (JSON array of addresses).
ALTER TABLE destinations ADD COLUMN summary_emails TEXT NOT NULL DEFAULT '[]';

-- When a partner ID got (or moved to) its UUID, as written by the queue consumer: an iter file lists a
-- newly paired ID with the segments its UUID already had. first_seen is the sync's own time, which
-- can be earlier than the write by the queue's delay, so it cannot mark the window.
ALTER TABLE id_pairs ADD COLUMN paired_at INTEGER NOT NULL DEFAULT 0;

-- Outbound runs read memberships per partner ID (through id_pairs and segment_memberships_by_uuid), not
-- per segment and time: these two indexes would only slow every inbound chunk's writes.
DROP INDEX segment_memberships_entered;
DROP INDEX segment_memberships_left;

-- "Delivery" means an inbound delivery only (issue 12). The outbound side says: a destination's
-- targets (R2 always, HTTPS and S3 when configured); a run sends its files to each target; each
-- target's outcome.

-- Where a run sends its files besides R2, as {"https"?: {...}, "s3"?: {...}} (JSON kept as it is).
ALTER TABLE destinations RENAME COLUMN delivery TO targets;

-- iter watermark: every change up to this time (Unix ms) is in a file that every target took.
ALTER TABLE destination_state RENAME COLUMN delivered_until TO sent_until;

-- A run that every target took is `sent` (was `delivered`), and `outcomes` holds each target's outcome
-- (was `deliveries`). SQLite cannot change a CHECK constraint in place, so the table is rebuilt. The
-- outcomes' JSON is copied as it is: readers map an old outcome's "delivered" to "sent"
-- (batch/outbound/runs/queries.ts).
CREATE TABLE outbound_runs_0010 (
	-- `<destination id>-<timestamp13>`; the timestamp is the one in the file names.
	id TEXT PRIMARY KEY,
	destination_id INTEGER NOT NULL,
	dpid INTEGER NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('full', 'iter')),
	-- 'schedule' (cron) or 'manual' (admin API).
	trigger TEXT NOT NULL,
	-- The run's start (Unix ms), the TIMESTAMP13 of its file names.
	timestamp INTEGER NOT NULL,
	-- Changes in (since, until] are listed (iter); full files are members as of `until`.
	since INTEGER NOT NULL,
	until INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('running', 'sent', 'failed')),
	-- JSON: the .info file's `files` entries (name, bytes, lines, sequence, md5).
	files TEXT NOT NULL DEFAULT '[]',
	lines INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	-- JSON: each target's outcome by name ({"r2": {...}, "https": {...}, "s3": {...}}).
	outcomes TEXT NOT NULL DEFAULT '{}',
	error TEXT,
	started_at INTEGER NOT NULL,
	finished_at INTEGER
);
INSERT INTO outbound_runs_0010 (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, files,
	lines, bytes, outcomes, error, started_at, finished_at)
SELECT id, destination_id, dpid, mode, trigger, timestamp, since, until,
	CASE status WHEN 'delivered' THEN 'sent' ELSE status END, files, lines, bytes, deliveries, error, started_at,
	finished_at
FROM outbound_runs;
DROP TABLE outbound_runs;
ALTER TABLE outbound_runs_0010 RENAME TO outbound_runs;
-- A destination's run history, newest first (admin API, dashboard).
CREATE INDEX outbound_runs_by_destination ON outbound_runs (destination_id, started_at);
-- Recent runs across destinations (dashboard, stats).
CREATE INDEX outbound_runs_by_start ON outbound_runs (started_at);

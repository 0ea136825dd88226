-- Outbound destinations: which segments go to which partner, how often, in what shape, and where.
-- Delivery secrets are never stored here: `delivery` names the Worker secrets that hold them.
CREATE TABLE destinations (
	id INTEGER PRIMARY KEY CHECK (id > 0),
	dpid INTEGER NOT NULL REFERENCES partners (dpid),
	name TEXT NOT NULL,
	-- JSON array of segment ids mapped to this partner.
	segments TEXT NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('full', 'iter')),
	-- Five-field cron expression (UTC) for when runs are due.
	schedule TEXT NOT NULL,
	gzip INTEGER NOT NULL DEFAULT 1,
	-- Lines per file before the output is split (SPLITNUM 001, 002, …).
	split_lines INTEGER NOT NULL,
	-- JSON: {"https"?: {url, secretHeader, secretBinding}, "s3"?: {endpoint, bucket, region, prefix,
	-- accessKeyBinding, secretKeyBinding}}; R2 outbound/ always.
	delivery TEXT NOT NULL DEFAULT '{}',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
-- The admin API lists a partner's destinations.
CREATE INDEX destinations_by_dpid ON destinations (dpid);

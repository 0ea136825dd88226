-- Traits: signals a data source (partner DPID) can set on a visitor.
CREATE TABLE traits (
	id INTEGER PRIMARY KEY CHECK (id > 0),
	dpid INTEGER NOT NULL REFERENCES partners (dpid),
	name TEXT NOT NULL,
	-- Optional rule over key-value signals, e.g. ic == "52" or color == "red" AND size != "xl".
	rule TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
-- Applying a file loads the traits and rules of the file's data source.
CREATE INDEX traits_by_dpid ON traits (dpid);

-- Which visitor has which trait. dpid (the trait's data source) is copied here so an .overwrite file
-- can replace one source's traits of a user without a join.
CREATE TABLE trait_memberships (
	uuid TEXT NOT NULL,
	trait_id INTEGER NOT NULL,
	dpid INTEGER NOT NULL,
	realized_at INTEGER NOT NULL,
	PRIMARY KEY (uuid, trait_id)
) WITHOUT ROWID;
-- Segment evaluation and outbound files read members by trait.
CREATE INDEX trait_memberships_by_trait ON trait_memberships (trait_id, uuid);

-- One inbound delivery: a file, or the split parts (.1, .2, …) of one file name, processed together.
CREATE TABLE inbound_deliveries (
	id TEXT PRIMARY KEY,
	dpid INTEGER NOT NULL,
	target_dpid INTEGER,
	kind TEXT NOT NULL CHECK (kind IN ('traits', 'id_sync')),
	mode TEXT NOT NULL CHECK (mode IN ('sync', 'overwrite')),
	file_timestamp INTEGER NOT NULL,
	-- JSON array of the R2 keys of the parts, in split order.
	files TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'rejected')),
	workflow_id TEXT,
	-- The receipt (JSON) once written.
	receipt TEXT,
	discovered_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER
);
-- The cron picks the oldest pending delivery per data source; the API lists by partner.
CREATE INDEX inbound_deliveries_by_status ON inbound_deliveries (status, dpid, file_timestamp);
CREATE INDEX inbound_deliveries_by_dpid ON inbound_deliveries (dpid, discovered_at);

-- Counts of each applied chunk, written in the same transaction as the chunk's effects: a retried step
-- finds its chunk here and applies nothing twice.
CREATE TABLE inbound_chunks (
	delivery_id TEXT NOT NULL,
	chunk INTEGER NOT NULL,
	counts TEXT NOT NULL,
	applied_at INTEGER NOT NULL,
	PRIMARY KEY (delivery_id, chunk)
) WITHOUT ROWID;

-- Per-user state while a delivery is applied (lines seen, overwrite done, failed validation), so the
-- 200-lines-per-user rule and distinct-user counts hold without keeping users in memory. Deleted
-- when the receipt is written.
CREATE TABLE inbound_users (
	delivery_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	lines INTEGER NOT NULL,
	stored INTEGER NOT NULL DEFAULT 0,
	overwritten INTEGER NOT NULL DEFAULT 0,
	failed_validation INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (delivery_id, user_id)
) WITHOUT ROWID;

-- Access mappings: data sources a partner may name in its inbound files besides its own DPID, as the
-- target of `ftp_dpm_<DPID>_<TARGET_DPID>_…` or the master of `adobe_id_<MASTER>_<DPID>_…`. Only the
-- operator writes here; a name that is neither the uploader's own DPID nor granted is refused.
CREATE TABLE source_grants (
	dpid INTEGER NOT NULL REFERENCES partners (dpid) ON DELETE CASCADE,
	source_dpid INTEGER NOT NULL REFERENCES partners (dpid) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (dpid, source_dpid),
	CHECK (dpid <> source_dpid)
) WITHOUT ROWID;
-- Deleting a source partner cascades through its grants.
CREATE INDEX source_grants_by_source ON source_grants (source_dpid);

-- When a finished delivery's files were moved out of the partner's inbound area (to work/processed/).
-- Until then discovery leaves them alone; afterwards a file under one of those names is a second upload.
ALTER TABLE inbound_deliveries ADD COLUMN files_moved_at INTEGER;

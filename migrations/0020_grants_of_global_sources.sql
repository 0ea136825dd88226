-- An access mapping may name one of AAM's global data sources (core/partners/global-sources.ts: 20914
-- GAID, 20915 IDFA, …), which have no row in partners: an ID-sync file that writes device IDs into a
-- global source (`adobe_id_0_20915_…`) needs the operator's grant, as for any source not the partner's
-- own. So source_dpid no longer references partners; deleting a partner still deletes the grants of its
-- data source, by trigger. The table is rebuilt (SQLite cannot drop a foreign key), rows kept as they are.
CREATE TABLE source_grants_next (
	dpid INTEGER NOT NULL REFERENCES partners (dpid) ON DELETE CASCADE,
	source_dpid INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (dpid, source_dpid),
	CHECK (dpid <> source_dpid)
) WITHOUT ROWID;
INSERT INTO source_grants_next (dpid, source_dpid, created_at) SELECT dpid, source_dpid, created_at FROM source_grants;
DROP TABLE source_grants;
ALTER TABLE source_grants_next RENAME TO source_grants;
CREATE INDEX source_grants_by_source ON source_grants (source_dpid);
CREATE TRIGGER source_grants_of_deleted_partner AFTER DELETE ON partners
BEGIN
	DELETE FROM source_grants WHERE source_dpid = OLD.dpid;
END;

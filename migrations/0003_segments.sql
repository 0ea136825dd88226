-- Segments: boolean rules over traits (`T101 AND (T102 OR NOT T103)`), kept as written.
CREATE TABLE segments (
	id INTEGER PRIMARY KEY CHECK (id > 0),
	name TEXT NOT NULL,
	rule TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- Who is in which segment, since when, and when they left. Rows stay after leaving (left_at set) so an
-- incremental outbound run can list removals since its last successful run; re-entering clears left_at.
CREATE TABLE segment_memberships (
	segment_id INTEGER NOT NULL,
	uuid TEXT NOT NULL,
	entered_at INTEGER NOT NULL,
	left_at INTEGER,
	PRIMARY KEY (segment_id, uuid)
) WITHOUT ROWID;
-- A user's segments (re-evaluation after trait changes, opt-out).
CREATE INDEX segment_memberships_by_uuid ON segment_memberships (uuid, segment_id);
-- Changes of one segment since a time: entries and exits, for incremental outbound files.
CREATE INDEX segment_memberships_entered ON segment_memberships (segment_id, entered_at);
CREATE INDEX segment_memberships_left ON segment_memberships (segment_id, left_at);

-- An inbound delivery is applied by groups of user buckets (batch/inbound/groups/): the split writes
-- pieces sorted by bucket, one step applies every line of a group's users. A user never spans two
-- groups, so the per-user working rows are gone, and each group's counts replace each chunk's.
--
-- A delivery running while this migration lands starts over under the new step names: its split is
-- redone, and its trait changes are applied again under new keys. Trait changes set states (a trait
-- is on or off), so its effects are the same; its receipt is counted anew by the new steps.
DROP TABLE inbound_users;
DROP TABLE inbound_chunks;

CREATE TABLE inbound_groups (
	delivery_id TEXT NOT NULL,
	grp INTEGER NOT NULL,
	counts TEXT NOT NULL,
	applied_at INTEGER NOT NULL,
	PRIMARY KEY (delivery_id, grp)
) WITHOUT ROWID;

-- Where each bucket starts in each piece (BUCKETS + 1 big-endian uint32s), dropped with the receipt.
CREATE TABLE inbound_pieces (
	delivery_id TEXT NOT NULL,
	piece INTEGER NOT NULL,
	starts BLOB NOT NULL,
	PRIMARY KEY (delivery_id, piece)
) WITHOUT ROWID;

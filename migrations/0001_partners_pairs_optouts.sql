-- Partners (data vendors), identified by their integer DPID.
CREATE TABLE partners (
	dpid INTEGER PRIMARY KEY CHECK (dpid > 0),
	name TEXT NOT NULL,
	-- d_cid_ic=<integration code>%01<UID> names a partner by this code instead of its DPID.
	integration_code TEXT UNIQUE,
	-- Edge-initiated sync URL template with macros (${DD_UUID}, ${GDPR}, ...); NULL = no sync pixel.
	sync_url TEXT,
	-- JSON array of host names that partner-initiated syncs may redirect to.
	redirect_hosts TEXT NOT NULL DEFAULT '[]',
	tcf_vendor_id INTEGER,
	-- NULL = the deployment default (DEFAULT_RESYNC_DAYS).
	resync_days INTEGER,
	-- How inbound files identify users: the partner's own IDs or edgesync UUIDs.
	inbound_id_type TEXT NOT NULL DEFAULT 'partner' CHECK (inbound_id_type IN ('partner', 'uuid')),
	-- JSON array of e-mail addresses that receive inbound receipts.
	receipt_emails TEXT NOT NULL DEFAULT '[]',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- Partner API keys: only a SHA-256 of the secret is kept; the secret is shown once at creation.
CREATE TABLE partner_keys (
	id TEXT PRIMARY KEY,
	dpid INTEGER NOT NULL REFERENCES partners (dpid) ON DELETE CASCADE,
	secret_sha256 TEXT NOT NULL,
	label TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
-- Listing a partner's keys in the admin API.
CREATE INDEX partner_keys_by_dpid ON partner_keys (dpid);

-- The ID graph: a partner's user ID -> edgesync UUID. The most recent mapping wins.
CREATE TABLE id_pairs (
	dpid INTEGER NOT NULL,
	dpuuid TEXT NOT NULL,
	uuid TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	PRIMARY KEY (dpid, dpuuid)
) WITHOUT ROWID;
-- The other direction: which partners a UUID is synced with and when (/id due syncs, opt-out,
-- outbound files). last_seen is in the index so /id answers from the index alone.
CREATE INDEX id_pairs_by_uuid ON id_pairs (uuid, dpid, last_seen);

-- Visitors who opted out globally (their cookie says NOTARGET; this keeps late queue messages out).
CREATE TABLE opt_outs (
	uuid TEXT PRIMARY KEY,
	opted_out_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Partner user IDs opted out of one partner (/demoptout?d_cid=DPID%01UID).
CREATE TABLE partner_opt_outs (
	dpid INTEGER NOT NULL,
	dpuuid TEXT NOT NULL,
	opted_out_at INTEGER NOT NULL,
	PRIMARY KEY (dpid, dpuuid)
) WITHOUT ROWID;

-- The admin surface's server-side state (issue 11): dashboard sessions that logout really ends, and the
-- throttle of failed credentials (bearer tokens, partner keys, dashboard logins) per client address.

-- One row per live dashboard session. The cookie carries the random id with a MAC made with
-- SESSION_SECRET; a page is served only while the row exists and has not expired, so deleting the row
-- (logout) refuses every copy of the cookie. Expired rows are deleted at each login and by the prune.
CREATE TABLE dashboard_sessions (
	id TEXT PRIMARY KEY,
	role TEXT NOT NULL CHECK (role IN ('operator', 'partner')),
	-- A partner session: the partner and the key it logged in with (the session ends with the key).
	dpid INTEGER,
	key_id TEXT,
	-- An operator session: a MAC of the ADMIN_TOKEN it logged in with (rotating the token ends it).
	credential TEXT,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	CHECK ((role = 'operator' AND credential IS NOT NULL) OR (role = 'partner' AND dpid IS NOT NULL AND key_id IS NOT NULL))
);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);

-- Credentials presented by one client address (an IPv4 address or an IPv6 /64) in a fixed window:
-- each attempt takes a slot before its credential is checked, a good one gives the slot back, so
-- `failures` counts the failed attempts (and those still being checked). Rows of ended windows are
-- deleted when a failure is recorded and by the prune.
CREATE TABLE auth_failures (
	client TEXT PRIMARY KEY,
	window_start INTEGER NOT NULL,
	failures INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_failures_by_window ON auth_failures (window_start);

-- Daily counters of the sync path for /api/v1/stats and the /admin dashboard. Only the queue consumer
-- writes here, once per batch (never per /ibs request): new and refreshed pairs are tallied from the
-- pair messages; consent-blocked and bad-input calls arrive as small counter messages that each isolate
-- sends at most every few seconds.
CREATE TABLE sync_counters (
	-- UTC day, YYYY-MM-DD.
	day TEXT NOT NULL,
	-- The partner the count belongs to; 0 when the call named no known partner (most bad input).
	dpid INTEGER NOT NULL,
	metric TEXT NOT NULL CHECK (metric IN ('new_pairs', 'refreshed_pairs', 'consent_blocked', 'bad_input')),
	-- Why a call was rejected (bad_input only), with numbers and names taken out so the set stays small.
	reason TEXT NOT NULL DEFAULT '',
	count INTEGER NOT NULL,
	PRIMARY KEY (day, metric, dpid, reason)
) WITHOUT ROWID;

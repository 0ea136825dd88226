/** SQL of the stats area (table: migrations/0006_stats.sql; read-only views of inbound and outbound). */

/** ?1 = JSON array of Counter. "WHERE true" keeps SQLite from reading ON CONFLICT as a join's ON. */
export const ADD_COUNTERS = `INSERT INTO sync_counters (day, dpid, metric, reason, count)
SELECT c.value ->> '$.day', c.value ->> '$.dpid', c.value ->> '$.metric', c.value ->> '$.reason', c.value ->> '$.n'
FROM json_each(?1) AS c WHERE true
ON CONFLICT (day, metric, dpid, reason) DO UPDATE SET count = count + excluded.count`;

/** ?1 first day to keep (YYYY-MM-DD): older counters go. */
export const PRUNE_COUNTERS = "DELETE FROM sync_counters WHERE day < ?1";

/** ?1 first day, ?2 last day (YYYY-MM-DD), ?3 dpid or NULL for all. */
export const COUNTERS_BETWEEN = `SELECT day, dpid, metric, reason, count FROM sync_counters
WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR dpid = ?3)
ORDER BY day, dpid, metric, reason`;
export interface CounterRow {
	day: string;
	dpid: number;
	metric: string;
	reason: string;
	count: number;
}

/**
 * ?1 since (Unix ms), ?2 dpid or NULL. Match rate per partner from the receipts of finished deliveries:
 * records with a well-formed, valid ID, and how many of those found their partner ID in the ID graph.
 */
export const MATCH_RATES = `SELECT dpid, count(*) AS deliveries,
	sum(receipt ->> '$."Records received"' - receipt ->> '$."Format Errors"' - receipt ->> '$."Invalid AAM ID"') AS records,
	sum(receipt ->> '$."Records received"' - receipt ->> '$."Format Errors"' - receipt ->> '$."Invalid AAM ID"'
		- receipt ->> '$."No Matching AAM ID"') AS matched
FROM inbound_deliveries
WHERE status = 'done' AND receipt IS NOT NULL AND discovered_at >= ?1 AND (?2 IS NULL OR dpid = ?2)
GROUP BY dpid ORDER BY dpid`;
export interface MatchRow {
	dpid: number;
	deliveries: number;
	records: number;
	matched: number;
}

/** ?1 since, ?2 dpid or NULL. */
export const INBOUND_BY_STATUS = `SELECT status, count(*) AS count FROM inbound_deliveries
WHERE discovered_at >= ?1 AND (?2 IS NULL OR dpid = ?2) GROUP BY status`;
export const OUTBOUND_BY_STATUS = `SELECT status, count(*) AS count FROM outbound_runs
WHERE started_at >= ?1 AND (?2 IS NULL OR dpid = ?2) GROUP BY status`;
export interface StatusRow {
	status: string;
	count: number;
}

/** ?1 dpid or NULL, ?2 limit. Newest first; the receipt's counts without its samples. */
export const RECENT_INBOUND = `SELECT id, dpid, status, discovered_at, finished_at,
	receipt ->> '$."Records received"' AS records, receipt ->> '$."No Matching AAM ID"' AS unmatched,
	receipt ->> '$."Format Errors"' AS format_errors, receipt ->> '$."Invalid AAM ID"' AS invalid_ids
FROM inbound_deliveries WHERE (?1 IS NULL OR dpid = ?1) ORDER BY discovered_at DESC LIMIT ?2`;
export interface RecentInboundRow {
	id: string;
	dpid: number;
	status: string;
	discovered_at: number;
	finished_at: number | null;
	records: number | null;
	unmatched: number | null;
	format_errors: number | null;
	invalid_ids: number | null;
}

/** ?1 dpid or NULL, ?2 limit. */
export const RECENT_OUTBOUND = `SELECT id, destination_id, dpid, mode, trigger, status, lines, bytes, error,
	started_at, finished_at
FROM outbound_runs WHERE (?1 IS NULL OR dpid = ?1) ORDER BY started_at DESC LIMIT ?2`;
export interface RecentOutboundRow {
	id: string;
	destination_id: number;
	dpid: number;
	mode: string;
	trigger: string;
	status: string;
	lines: number;
	bytes: number;
	error: string | null;
	started_at: number;
	finished_at: number | null;
}

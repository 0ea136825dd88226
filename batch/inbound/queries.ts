/**
 * SQL of the inbound pipeline. Bulk statements take one JSON array parameter expanded with json_each
 * (D1 allows 100 bound parameters but 2 MB per value).
 */

// ---- deliveries ----

/** ?1 id, ?2 dpid, ?3 target_dpid, ?4 kind, ?5 mode, ?6 file_timestamp, ?7 files JSON, ?8 now. Known ids are left alone. */
export const INSERT_DELIVERY = `INSERT INTO inbound_deliveries
	(id, dpid, target_dpid, kind, mode, file_timestamp, files, status, discovered_at)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)
	ON CONFLICT (id) DO NOTHING`;

/**
 * ?1 id, ?2 dpid (whose area the files were in), ?3 files JSON, ?4 receipt JSON, ?5 now: files refused
 * before processing (bad name or path, a data source not granted, a second upload). Their files were
 * never read; the ids carry `@` and so never equal a delivery id (batch/inbound/reject.ts).
 */
export const INSERT_REJECTED = `INSERT INTO inbound_deliveries
	(id, dpid, target_dpid, kind, mode, file_timestamp, files, status, receipt, discovered_at, finished_at, files_moved_at)
	VALUES (?1, ?2, NULL, 'traits', 'sync', 0, ?3, 'rejected', ?4, ?5, ?5, ?5)
	ON CONFLICT (id) DO NOTHING`;

/** What discovery needs to know of the deliveries among ?1 (JSON array of ids). */
export const KNOWN_DELIVERIES = `SELECT id, status, files, files_moved_at FROM inbound_deliveries
	WHERE id IN (SELECT value FROM json_each(?1))`;
export interface KnownDeliveryRow {
	id: string;
	status: DeliveryRow["status"];
	files: string;
	files_moved_at: number | null;
}

/** ?1 id, ?2 now: the delivery's files have left the inbound area. */
export const FILES_MOVED = "UPDATE inbound_deliveries SET files_moved_at = ?2 WHERE id = ?1";

/**
 * The oldest pending delivery of every data source that has nothing running: deliveries of one
 * source are applied strictly in file-timestamp order, one at a time.
 */
export const NEXT_PER_SOURCE = `SELECT d.id FROM inbound_deliveries d
	WHERE d.status = 'pending'
	AND NOT EXISTS (SELECT 1 FROM inbound_deliveries r WHERE r.dpid = d.dpid AND r.status = 'running')
	AND d.file_timestamp = (SELECT min(p.file_timestamp) FROM inbound_deliveries p WHERE p.dpid = d.dpid AND p.status = 'pending')
	ORDER BY d.file_timestamp, d.id`;

/** ?1 id, ?2 workflow id, ?3 now. Changes a row only if still pending: the claim happens once. */
export const CLAIM = `UPDATE inbound_deliveries SET status = 'running', workflow_id = ?2, started_at = ?3
	WHERE id = ?1 AND status = 'pending'`;

/** ?1 id, ?2 workflow id: a claim whose workflow could not be created goes back to pending. */
export const UNCLAIM = `UPDATE inbound_deliveries SET status = 'pending', workflow_id = NULL, started_at = NULL
	WHERE id = ?1 AND status = 'running' AND workflow_id = ?2`;

/** ?1 id, ?2 status, ?3 receipt JSON, ?4 now. */
export const FINISH = "UPDATE inbound_deliveries SET status = ?2, receipt = ?3, finished_at = ?4 WHERE id = ?1";

export const GET_DELIVERY = "SELECT * FROM inbound_deliveries WHERE id = ?1";

// ---- chunks and per-user state ----

export const CHUNK_COUNTS = "SELECT counts FROM inbound_chunks WHERE delivery_id = ?1 AND chunk = ?2";
export const INSERT_CHUNK =
	"INSERT INTO inbound_chunks (delivery_id, chunk, counts, applied_at) VALUES (?1, ?2, ?3, ?4)";
export const ALL_CHUNK_COUNTS = "SELECT counts FROM inbound_chunks WHERE delivery_id = ?1 ORDER BY chunk";

/** ?1 delivery, ?2 JSON array of user ids. */
export const USER_STATE = `SELECT user_id, lines, overwritten FROM inbound_users
	WHERE delivery_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))`;

/** ?1 delivery, ?2 JSON array of {u, l, s, o, f}. Flags only ever turn on. */
export const SAVE_USER_STATE = `INSERT INTO inbound_users (delivery_id, user_id, lines, stored, overwritten, failed_validation)
	SELECT ?1, value ->> '$.u', value ->> '$.l', value ->> '$.s', value ->> '$.o', value ->> '$.f' FROM json_each(?2) WHERE true
	ON CONFLICT (delivery_id, user_id) DO UPDATE SET lines = excluded.lines,
		stored = max(stored, excluded.stored), overwritten = max(overwritten, excluded.overwritten),
		failed_validation = max(failed_validation, excluded.failed_validation)`;

export const USER_TOTALS = `SELECT coalesce(sum(stored), 0) AS devices, coalesce(sum(failed_validation), 0) AS failed
	FROM inbound_users WHERE delivery_id = ?1`;
export const FORGET_USERS = "DELETE FROM inbound_users WHERE delivery_id = ?1";

// ---- resolving IDs and memberships ----

/** ?1 dpid, ?2 JSON array of partner user ids → their UUIDs. */
export const RESOLVE_PARTNER_IDS = `SELECT dpuuid, uuid FROM id_pairs
	WHERE dpid = ?1 AND dpuuid IN (SELECT value FROM json_each(?2))`;

/** ?1 JSON array of UUIDs: those that opted out (their memberships must never be written). */
export const OPTED_OUT_AMONG = "SELECT uuid FROM opt_outs WHERE uuid IN (SELECT value FROM json_each(?1))";

/** ?1 source dpid, ?2 JSON array of UUIDs: the source's current traits of those users. */
export const SOURCE_MEMBERSHIPS = `SELECT uuid, trait_id FROM trait_memberships
	WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))`;

/** ?1 source dpid, ?2 JSON array of UUIDs: an .overwrite clears these users' traits of that source. */
export const CLEAR_SOURCE_MEMBERSHIPS = `DELETE FROM trait_memberships
	WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))`;

/** ?1 JSON array of [uuid, trait_id]. */
export const REMOVE_MEMBERSHIPS = `DELETE FROM trait_memberships
	WHERE (uuid, trait_id) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/** ?1 JSON array of [uuid, trait_id], ?2 source dpid, ?3 now. */
export const ADD_MEMBERSHIPS = `INSERT INTO trait_memberships (uuid, trait_id, dpid, realized_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, ?3 FROM json_each(?1) WHERE true
	ON CONFLICT (uuid, trait_id) DO UPDATE SET realized_at = excluded.realized_at`;

export interface DeliveryRow {
	id: string;
	dpid: number;
	target_dpid: number | null;
	kind: "traits" | "id_sync";
	mode: "sync" | "overwrite";
	file_timestamp: number;
	files: string;
	status: "pending" | "running" | "done" | "failed" | "rejected";
	workflow_id: string | null;
	receipt: string | null;
	discovered_at: number;
	started_at: number | null;
	finished_at: number | null;
	files_moved_at: number | null;
}

/** ?1 dpid (NULL = every partner), ?2 limit: newest deliveries first. */
export const LIST_DELIVERIES = `SELECT * FROM inbound_deliveries WHERE (?1 IS NULL OR dpid = ?1)
	ORDER BY discovered_at DESC, id LIMIT ?2`;

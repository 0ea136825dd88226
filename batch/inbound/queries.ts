import type { Receipt } from "../receipts/receipt";
import type { Delivery, DeliveryStatus } from "./delivery";

/**
 * SQL of the inbound pipeline, its rows and their mapping (batch/inbound/store.ts runs them). Bulk
 * statements take one JSON array parameter expanded with json_each (D1 allows 100 bound parameters
 * but 2 MB per value).
 */

// ---- deliveries ----

/** The inbound_deliveries table, row for row. */
export interface DeliveryRow {
	id: string;
	dpid: number;
	target_dpid: number | null;
	kind: "traits" | "id_sync";
	mode: "sync" | "overwrite";
	file_timestamp_seconds: number;
	files: string;
	status: DeliveryStatus;
	workflow_id: string | null;
	receipt: string | null;
	discovered_at: number;
	started_at: number | null;
	finished_at: number | null;
	files_moved_at: number | null;
	late_of: string | null;
}

export function toDelivery(row: DeliveryRow): Delivery {
	return {
		id: row.id,
		dpid: row.dpid,
		targetDpid: row.target_dpid,
		kind: row.kind,
		mode: row.mode,
		fileTimestampSeconds: row.file_timestamp_seconds,
		files: JSON.parse(row.files) as string[],
		status: row.status,
		workflowId: row.workflow_id,
		receipt: row.receipt ? (JSON.parse(row.receipt) as Receipt) : null,
		discoveredAt: row.discovered_at,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		filesMovedAt: row.files_moved_at,
		lateOf: row.late_of,
	};
}

/**
 * ?1 id, ?2 dpid, ?3 target_dpid, ?4 kind, ?5 mode, ?6 file_timestamp_seconds, ?7 files JSON, ?8 now,
 * ?9 late_of (the delivery a late part belongs to, else NULL). Known ids are left alone.
 */
export const INSERT_DELIVERY = `INSERT INTO inbound_deliveries
	(id, dpid, target_dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at, late_of)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9)
	ON CONFLICT (id) DO NOTHING`;

/**
 * ?1 id, ?2 files JSON, ?3 the files JSON discovery read: late parts join a delivery that is still
 * pending. Compare-and-set, so a delivery claimed (or joined) meanwhile is left alone.
 */
export const JOIN_PENDING = `UPDATE inbound_deliveries SET files = ?2
	WHERE id = ?1 AND status = 'pending' AND files = ?3`;

/**
 * ?1 id, ?2 dpid (whose area the files were in), ?3 files JSON, ?4 receipt JSON, ?5 now: files refused
 * before processing (bad name or path, a data source not granted, a second upload). Their files were
 * never read; the ids carry `@` and so never equal a delivery id (batch/inbound/reject.ts).
 */
export const INSERT_REJECTED = `INSERT INTO inbound_deliveries
	(id, dpid, target_dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at, finished_at, files_moved_at)
	VALUES (?1, ?2, NULL, 'traits', 'sync', 0, ?3, 'rejected', ?4, ?5, ?5, ?5)
	ON CONFLICT (id) DO NOTHING`;

/** What discovery needs to know of the deliveries among ?1 (JSON array of ids). */
export const KNOWN_DELIVERIES = `SELECT id, status, files, files_moved_at FROM inbound_deliveries
	WHERE id IN (SELECT value FROM json_each(?1))`;
export type KnownDeliveryRow = Pick<DeliveryRow, "id" | "status" | "files" | "files_moved_at">;
export type KnownDelivery = Pick<Delivery, "id" | "status" | "files" | "filesMovedAt">;
export function toKnownDelivery(row: KnownDeliveryRow): KnownDelivery {
	return { id: row.id, status: row.status, files: JSON.parse(row.files) as string[], filesMovedAt: row.files_moved_at };
}

/** ?1 id, ?2 now: the delivery's files have left the inbound area. */
export const FILES_MOVED = "UPDATE inbound_deliveries SET files_moved_at = ?2 WHERE id = ?1";

/**
 * The oldest pending delivery of every data source that has nothing running: deliveries of one
 * source are applied strictly in file-timestamp order, one at a time; a delivery's late parts
 * (`<id>.<split>`, late_of = id) follow it in split order (9 before 10).
 */
export const NEXT_PER_SOURCE = `SELECT d.id FROM inbound_deliveries d
	WHERE d.status = 'pending'
	AND NOT EXISTS (SELECT 1 FROM inbound_deliveries r WHERE r.dpid = d.dpid AND r.status = 'running')
	AND d.id = (SELECT p.id FROM inbound_deliveries p WHERE p.dpid = d.dpid AND p.status = 'pending'
		ORDER BY p.file_timestamp_seconds, coalesce(p.late_of, p.id), p.late_of IS NOT NULL,
			CAST(substr(p.id, length(p.late_of) + 2) AS INTEGER), p.id
		LIMIT 1)
	ORDER BY d.file_timestamp_seconds, d.id`;

/** ?1 id, ?2 workflow id, ?3 now. Changes a row only if still pending: the claim happens once. */
export const CLAIM = `UPDATE inbound_deliveries SET status = 'running', workflow_id = ?2, started_at = ?3
	WHERE id = ?1 AND status = 'pending'`;

/** ?1 id, ?2 workflow id: a claim whose workflow could not be created goes back to pending. */
export const UNCLAIM = `UPDATE inbound_deliveries SET status = 'pending', workflow_id = NULL, started_at = NULL
	WHERE id = ?1 AND status = 'running' AND workflow_id = ?2`;

/** ?1 id, ?2 status, ?3 receipt JSON, ?4 now. */
export const FINISH = "UPDATE inbound_deliveries SET status = ?2, receipt = ?3, finished_at = ?4 WHERE id = ?1";

/** ?1 id. */
export const GET_DELIVERY = "SELECT * FROM inbound_deliveries WHERE id = ?1";

/** ?1 dpid (NULL = every partner), ?2 limit: newest deliveries first. */
export const LIST_DELIVERIES = `SELECT * FROM inbound_deliveries WHERE (?1 IS NULL OR dpid = ?1)
	ORDER BY discovered_at DESC, id LIMIT ?2`;

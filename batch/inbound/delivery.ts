import type { Receipt } from "../receipts/receipt";
import * as sql from "./queries";

/** An inbound delivery as the pipeline sees it (row mapping of inbound_deliveries). */
export interface Delivery {
	id: string;
	dpid: number;
	targetDpid: number | null;
	kind: "traits" | "id_sync";
	mode: "sync" | "overwrite";
	fileTimestamp: number;
	files: string[];
	status: sql.DeliveryRow["status"];
	workflowId: string | null;
	receipt: Receipt | null;
	discoveredAt: number;
	startedAt: number | null;
	finishedAt: number | null;
	/** When the files left the partner's inbound area (moved to work/processed/, or deleted when refused). */
	filesMovedAt: number | null;
}

export function toDelivery(row: sql.DeliveryRow): Delivery {
	return {
		id: row.id,
		dpid: row.dpid,
		targetDpid: row.target_dpid,
		kind: row.kind,
		mode: row.mode,
		fileTimestamp: row.file_timestamp,
		files: JSON.parse(row.files) as string[],
		status: row.status,
		workflowId: row.workflow_id,
		receipt: row.receipt ? (JSON.parse(row.receipt) as Receipt) : null,
		discoveredAt: row.discovered_at,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		filesMovedAt: row.files_moved_at,
	};
}

export async function findDelivery(db: D1Database, id: string): Promise<Delivery | null> {
	const row = await db.prepare(sql.GET_DELIVERY).bind(id).first<sql.DeliveryRow>();
	return row ? toDelivery(row) : null;
}

export async function loadDelivery(db: D1Database, id: string): Promise<Delivery> {
	const delivery = await findDelivery(db, id);
	if (!delivery) throw new Error(`unknown delivery ${id}`);
	return delivery;
}

/** Where the split step keeps parsed chunks while a delivery is applied (deleted afterwards). */
export function chunkKey(deliveryId: string, chunk: number): string {
	return `work/inbound/${deliveryId}/${String(chunk).padStart(6, "0")}.ndjson`;
}

export async function listDeliveries(db: D1Database, dpid: number | null, limit: number): Promise<Delivery[]> {
	const { results } = await db.prepare(sql.LIST_DELIVERIES).bind(dpid, limit).all<sql.DeliveryRow>();
	return results.map(toDelivery);
}

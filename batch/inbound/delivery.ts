import type { Receipt } from "../receipts/receipt";

export type DeliveryStatus = "pending" | "running" | "done" | "failed" | "rejected";

/** An inbound delivery as the pipeline sees it (a row of inbound_deliveries, see queries.ts). */
export interface Delivery {
	id: string;
	dpid: number;
	targetDpid: number | null;
	kind: "traits" | "id_sync";
	mode: "sync" | "overwrite";
	/** The file name's timestamp (Unix seconds); a source's deliveries are applied in its order. */
	fileTimestampSeconds: number;
	files: string[];
	status: DeliveryStatus;
	workflowId: string | null;
	receipt: Receipt | null;
	discoveredAt: number;
	startedAt: number | null;
	finishedAt: number | null;
	/** When the files left the partner's inbound area (moved to work/processed/, or deleted when refused). */
	filesMovedAt: number | null;
	/** A late split part is a delivery of its own; this names the delivery it belongs to. */
	lateOf: string | null;
}

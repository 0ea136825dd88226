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
}

/** A user of a delivery while it is applied (inbound_users): what later chunks and the receipt need. */
export interface UserState {
	userId: string;
	/** Lines of this user so far in the delivery. */
	lines: number;
	/** Some line of the user stored something ("Total devices"). */
	stored: boolean;
	/** An .overwrite already replaced the user's traits of the source (on an earlier line). */
	overwritten: boolean;
	/** Some line named a trait of another data source ("Users with traits that failed validation"). */
	failedValidation: boolean;
}

/** Where the split step keeps parsed chunks while a delivery is applied (deleted afterwards). */
export function chunkKey(deliveryId: string, chunk: number): string {
	return `work/inbound/${deliveryId}/${String(chunk).padStart(6, "0")}.ndjson`;
}

import type { Receipt } from "../receipts/receipt";
import type { InboundFileName } from "./parse";

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

/**
 * The id of the delivery a file belongs to: its name without split number, `.gz` or `.pgp`/`.gpg`
 * (`deliveryKey`), the same for all its parts. A name whose DPID is not the uploader's (a global data
 * source's device IDs, `ftp_dpm_20915_<TARGET>_…`; an ID-sync file writing first for a granted
 * source) does not say who sent it, and two partners may send the same one: its id starts with the
 * uploader's DPID, `<owner>~<deliveryKey>`, so each gets its own delivery and neither learns of the
 * other's. `~` occurs in no file name; the id still ends in `.sync` or `.overwrite`.
 */
export function deliveryIdOf(name: Pick<InboundFileName, "dpid" | "deliveryKey">, owner: number): string {
	return name.dpid === owner ? name.deliveryKey : `${owner}~${name.deliveryKey}`;
}

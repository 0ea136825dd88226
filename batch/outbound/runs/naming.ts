import { outboundPrefix } from "../../exchange-layout";
import type { Mode, Targets } from "../destinations/schema";

/** SPEC §6 SYNC_TYPE: how the files travel beyond R2, the strongest configured transport first. */
export function syncTypeOf(targets: Targets): "S3" | "HTTPS" | "R2" {
	if (targets.s3) return "S3";
	if (targets.https) return "HTTPS";
	return "R2";
}

export interface FileNaming {
	syncType: string;
	destinationId: number;
	dpid: number;
	/** AAM's PID_ALIAS, after the DPID when set. */
	pidAlias?: string | null;
	mode: Mode;
	/** The run's start, Unix ms (TIMESTAMP13). */
	timestamp: number;
	gzip: boolean;
}

/**
 * The stem shared by a run's files, AAM's outbound file name (SPEC §6):
 * `<SYNC_TYPE>_<DID>_<MASTER_DPID>[_<PID_ALIAS>]_<full|iter>_<TIMESTAMP13>`.
 */
export function runStem(n: FileNaming): string {
	const alias = n.pidAlias ? `_${n.pidAlias}` : "";
	return `${n.syncType}_${n.destinationId}_${n.dpid}${alias}_${n.mode}_${String(n.timestamp).padStart(13, "0")}`;
}

/** A data file's name; `split` files carry SPLITNUM (001, 002, … at least three digits). */
export function dataFileName(n: FileNaming, sequence: number, split: boolean): string {
	const splitNum = split ? String(sequence).padStart(3, "0") : "";
	return `${runStem(n)}${splitNum}.sync${n.gzip ? ".gz" : ""}`;
}

/** The control file listing a run's data files. */
export function infoFileName(n: FileNaming): string {
	return `${runStem(n)}.info`;
}

/** Where a partner's files live in the exchange bucket: inside its own prefix (batch/exchange-layout.ts). */
export function outboundKey(dpid: number, name: string): string {
	return `${outboundPrefix(dpid)}${name}`;
}

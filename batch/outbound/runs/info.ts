import { infoFileName, outboundKey } from "./naming";
import type { RunPlan } from "./plan";
import type { FileEntry } from "./write-file";

/** The `.info` control file (SPEC §6): every data file with size, lines, sequence and MD5, and totals. */
export interface InfoFile {
	run: string;
	destination: { id: number; name: string };
	dpid: number;
	mode: "full" | "iter";
	timestamp: number;
	/** iter: the changes listed happened after `since` and at or before `until` (Unix ms). */
	since: number;
	until: number;
	files: FileEntry[];
	totals: { files: number; lines: number; bytes: number };
}

export function infoOf(plan: RunPlan, files: readonly FileEntry[]): InfoFile {
	return {
		run: plan.runId,
		destination: { id: plan.naming.destinationId, name: plan.destinationName },
		dpid: plan.naming.dpid,
		mode: plan.naming.mode,
		timestamp: plan.naming.timestamp,
		since: plan.scope.since,
		until: plan.scope.until,
		files: [...files],
		totals: {
			files: files.length,
			lines: files.reduce((n, f) => n + f.lines, 0),
			bytes: files.reduce((n, f) => n + f.bytes, 0),
		},
	};
}

/** Written after every data file, so a partner that sees the .info can fetch a complete run. */
export async function writeInfo(bucket: R2Bucket, plan: RunPlan, files: readonly FileEntry[]): Promise<string> {
	const name = infoFileName(plan.naming);
	await bucket.put(outboundKey(plan.naming.dpid, name), JSON.stringify(infoOf(plan, files), null, 2), {
		httpMetadata: { contentType: "application/json" },
	});
	return name;
}

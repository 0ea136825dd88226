import type { Mode } from "../destinations/schema";
import { infoFileName, outboundKey } from "./naming";
import type { RunPlan } from "./plan";
import type { RunFile } from "./schema";

/** The `.info` control file (SPEC §6): every data file with size, lines, sequence and MD5, and totals. */
export interface InfoFile {
	run: string;
	destination: { id: number; name: string };
	dpid: number;
	mode: Mode;
	/** The run's start, Unix ms (TIMESTAMP13 of the file names). */
	timestamp: number;
	/** iter: the changes listed happened after `since` and at or before `until` (Unix ms). */
	since: number;
	until: number;
	files: RunFile[];
	totals: { files: number; lines: number; bytes: number };
}

export function infoOf(plan: RunPlan, files: readonly RunFile[]): InfoFile {
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
export async function writeInfo(bucket: R2Bucket, plan: RunPlan, files: readonly RunFile[]): Promise<string> {
	const name = infoFileName(plan.naming);
	await bucket.put(outboundKey(plan.naming.dpid, name), JSON.stringify(infoOf(plan, files), null, 2), {
		httpMetadata: { contentType: "application/json" },
	});
	return name;
}

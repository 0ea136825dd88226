import type { Mode } from "../destinations/schema";
import { infoFileName, outboundKey, runStem } from "./naming";
import type { RunPlan } from "./plan";
import type { RunFile } from "./schema";

/**
 * The `.info` transfer-control file, with AAM's keys exactly ("Transfer-Control Files for Log File
 * Transfers", SPEC §6), so a vendor's AAM-era loader verifies edgesync's runs unchanged: `Files` (size,
 * lines, name, sequence, MD5 of each data file) and `Totals` (the run's stem as `FileName`, with the
 * sums, exclusive of the `.info` itself). edgesync's run metadata goes under its own key.
 */
export interface InfoFile {
	Files: Array<{
		FileByteSize: number;
		FileLineCount: number;
		FileName: string;
		FileSequenceNumber: number;
		md5: string;
	}>;
	Totals: { FileName: string; TotalByteSize: number; TotalNumberFiles: number; TotalNumberLines: number };
	edgesync: {
		run: string;
		destination: { id: number; name: string };
		dpid: number;
		mode: Mode;
		/** The run's start, Unix ms (TIMESTAMP13 of the file names). */
		timestamp: number;
		/** iter: the changes listed happened after `since` and at or before `until` (Unix ms). */
		since: number;
		until: number;
		/**
		 * Partner user IDs left out of the files: they hold a character of the output template's layout
		 * (template/compile.ts, `unwritableIn`), so a line could not parse back to exactly its own ID.
		 */
		unwritableIds: number;
	};
}

export function infoOf(plan: RunPlan, files: readonly RunFile[]): InfoFile {
	return {
		Files: files.map((f) => ({
			FileByteSize: f.bytes,
			FileLineCount: f.lines,
			FileName: f.name,
			FileSequenceNumber: f.sequence,
			md5: f.md5,
		})),
		Totals: {
			FileName: `${runStem(plan.naming)}.sync`,
			TotalByteSize: files.reduce((n, f) => n + f.bytes, 0),
			TotalNumberFiles: files.length,
			TotalNumberLines: files.reduce((n, f) => n + f.lines, 0),
		},
		edgesync: {
			run: plan.runId,
			destination: { id: plan.naming.destinationId, name: plan.destinationName },
			dpid: plan.naming.dpid,
			mode: plan.naming.mode,
			timestamp: plan.naming.timestamp,
			since: plan.scope.since,
			until: plan.scope.until,
			unwritableIds: unwritableIdsOf(files),
		},
	};
}

export function unwritableIdsOf(files: readonly RunFile[]): number {
	return files.reduce((n, f) => n + f.unwritableIds, 0);
}

/** Written after every data file, so a partner that sees the .info can fetch a complete run. */
export async function writeInfo(bucket: R2Bucket, plan: RunPlan, files: readonly RunFile[]): Promise<string> {
	const name = infoFileName(plan.naming);
	await bucket.put(outboundKey(plan.naming.dpid, name), JSON.stringify(infoOf(plan, files), null, 2), {
		httpMetadata: { contentType: "application/json" },
	});
	return name;
}

import { createMimeMessage } from "mimetext/browser";
import type { Run } from "./schema";

/** The optional per-run summary: status, counts and each target's outcome, as plain text. */
export function runSummaryMail(run: Run, destinationName: string, from: string, to: readonly string[]): string {
	const msg = createMimeMessage();
	msg.setSender({ name: "edgesync outbound", addr: from });
	msg.setRecipients([...to]);
	msg.setSubject(`edgesync ${run.mode} run ${run.id} for ${destinationName}: ${run.status}`);
	const lines = [
		`Destination: ${destinationName} (${run.destinationId}), partner ${run.dpid}`,
		`Run: ${run.id} (${run.trigger}), ${run.mode}`,
		`Status: ${run.status}${run.error ? ` (${run.error})` : ""}`,
		`Files: ${run.files.length}, lines: ${run.lines}, bytes: ${run.bytes}`,
		...(run.unwritableIds > 0
			? [
					`Partner IDs left out: ${run.unwritableIds} (they hold a separator, quote or bracket of the output template's layout, a " or a \\, so no line could carry them unambiguously)`,
				]
			: []),
		...run.files.map((f) => `  ${f.name}: ${f.lines} lines, ${f.bytes} bytes, MD5 ${f.md5}`),
		...Object.entries(run.outcomes).map(([kind, o]) => `Target ${kind}: ${o.status}${o.error ? ` (${o.error})` : ""}`),
		`Duration: ${run.durationMs ?? "-"} ms`,
	];
	msg.addMessage({ contentType: "text/plain", data: lines.join("\n") });
	return msg.asRaw();
}

import { PROBLEM_TEXT, type Sample, type SampleKind } from "../inbound/parse";
import type { Validation } from "./validate";

/** In the order printed. Reading a file alone gives the first four; the others need the edge's data. */
const SAMPLE_TITLES: Record<SampleKind, string> = {
	formatErrors: "Format Errors",
	invalidIds: "Invalid AAM ID",
	unusedSignals: "Unused signals",
	signalsOverCap: "Signals over the per-line cap",
	noMatchingId: "No Matching AAM ID",
	noTraitRealized: "No Trait Realized",
	traitsFailedValidation: "Traits failed validation",
	filesCut: "Files cut at the size cap",
};

/** The validation as a vendor reads it in a terminal: the receipt's format counts, then samples. */
export function renderText(v: Validation): string {
	const out: string[] = [`File ${v.file}`];
	if (v.nameError) {
		out.push(`  Rejected name: ${v.nameError.error}.`, "  The edge does not process files with this name.");
		return `${out.join("\n")}\n`;
	}
	const n = v.name;
	if (n) {
		const source =
			n.kind === "traits" ? `data source ${n.dpid}` : `ID sync ${n.masterDpid} ↔ ${n.syncDpids.join(", ")}`;
		const target = n.targetDpid === null ? "" : `, traits of ${n.targetDpid}`;
		const split = n.split === null ? "" : `, part ${n.split}`;
		const when = new Date(n.timestampSeconds * 1000).toISOString().replace("T", " ").slice(0, 19);
		const stored = n.pgp ? "PGP-encrypted" : n.gzip ? "gzip" : "plain text";
		out.push(`  ${source}${target}, .${n.mode}${split}, ${stored}, ${when} UTC`);
	}
	if (v.encryptedTo) {
		const to =
			v.encryptedTo.length === 0
				? "with a passphrase only (the edge decrypts files encrypted to its operator's public key)"
				: `to key ID ${v.encryptedTo.join(", ")}`;
		out.push(
			`  Encrypted ${to}.`,
			"  Its content is not checked: that needs the private key, which the edge's operator holds. Validate",
			"  the file before encrypting it (or give the key with --pgp-key).",
		);
		return `${out.join("\n")}\n`;
	}
	if (v.openError) {
		out.push(`  Cannot read the file: ${v.openError}`);
		return `${out.join("\n")}\n`;
	}
	const c = v.tally.counts;
	out.push(
		"",
		...table([
			["Records received", c.recordsReceived],
			["Format Errors", c.formatErrors],
			["Invalid AAM ID", c.invalidIds],
			["Total signals", c.totalSignals],
			["Total unused signals", c.totalUnusedSignals],
			["Signals over the per-line cap", c.signalsOverCap],
		]),
	);
	const problems = Object.entries(v.tally.problems).map(([p, count]): [string, number] => [
		PROBLEM_TEXT[p as keyof typeof PROBLEM_TEXT],
		count,
	]);
	if (problems.length > 0) out.push("", "Format errors by problem", ...table(problems));
	for (const [kind, title] of Object.entries(SAMPLE_TITLES) as Array<[SampleKind, string]>) {
		const samples = v.tally.samples[kind];
		if (samples?.length) out.push("", `${title} (first ${samples.length})`, ...samples.map(sampleLine));
	}
	const fe = v.tally.fileError;
	if (fe?.refused) out.push("", `Refused: ${fe.message}`);
	else if (fe) out.push("", `File error after line ${fe.afterLine}: ${fe.message}`);
	const cut = v.tally.fileCut;
	if (cut) {
		out.push(
			"",
			`Over the size cap of ${cut.maxBytes.toLocaleString("en-US")} bytes (after gunzip): read through line ${cut.afterLine} (${cut.bytesRead.toLocaleString("en-US")} bytes); the rest is not read. Split the file.`,
		);
	}
	if (!v.userLinesExact) {
		out.push("", "Note: too many distinct users to check the 200-lines-per-user rule for every user.");
	}
	out.push(
		"",
		"No Matching AAM ID, realized traits and the other receipt counts depend on the edge's data: see the receipt.",
		verdict(v),
	);
	return `${out.join("\n")}\n`;
}

export function renderJson(v: Validation): string {
	return `${JSON.stringify(v, null, 2)}\n`;
}

function verdict(v: Validation): string {
	const c = v.tally.counts;
	if (v.exitCode === 0) return `Valid: ${c.recordsReceived.toLocaleString("en-US")} lines would be applied.`;
	if (v.tally.fileCut) return "Not valid: the edge reads this file only up to its size cap.";
	if (v.exitCode === 1) {
		const skipped = c.formatErrors + c.invalidIds;
		return `Not valid: ${skipped.toLocaleString("en-US")} of ${c.recordsReceived.toLocaleString("en-US")} lines would be skipped.`;
	}
	return "Not valid: the file cannot be processed.";
}

function table(rows: Array<[string, number]>): string[] {
	const width = Math.max(...rows.map(([label]) => label.length));
	const numbers = rows.map(([, n]) => n.toLocaleString("en-US"));
	const numWidth = Math.max(...numbers.map((s) => s.length));
	return rows.map(([label], i) => `  ${label.padEnd(width)}  ${(numbers[i] ?? "").padStart(numWidth)}`);
}

function sampleLine({ line, why, text }: Sample): string {
	const said = [why, text === undefined ? undefined : JSON.stringify(text)].filter((part) => part !== undefined);
	return `  line ${line}: ${said.join(": ")}`;
}

import { MAX_LINES_PER_USER } from "../../../core/inbound-limits";
import type { LineProblem } from "./line";
import type {
	FileCutOutcome,
	FileErrorOutcome,
	FormatErrorOutcome,
	InboundOutcome,
	InvalidIdOutcome,
	RecordOutcome,
} from "./outcome";
import { addSample, samplesFull, type Tally } from "./tally";

export const PROBLEM_TEXT: Record<LineProblem, string> = {
	too_long: "line longer than 102,400 bytes",
	invalid_utf8: "not valid UTF-8",
	empty_line: "empty line",
	no_tab: "no TAB between user ID and signals",
	empty_user_id: "empty user ID",
	extra_tab: "more than one TAB",
	no_signals: "no signals",
	no_valid_signals: "no signal could be parsed",
	wrong_column_count: "not one ID per DPID of the file name",
	trailing_whitespace: "the row ends with a TAB or space (AAM does not process such rows)",
	too_many_lines_for_user: `more than ${MAX_LINES_PER_USER} lines for this user`,
};

/**
 * Counts one outcome as the file decides it alone, which is what the vendor CLI prints. The workflow
 * counts the lines it hands on to the chunk steps there instead (No matching ID, realized traits and
 * the signals of matched lines need D1), and a damaged file's unread rest as a format error.
 */
export function countOutcome(tally: Tally, outcome: InboundOutcome): void {
	switch (outcome.type) {
		case "record":
			countRecord(tally, outcome);
			countSignalsOverCap(tally, outcome);
			return;
		case "id_pair":
			tally.counts.recordsReceived++;
			return;
		case "format_error":
		case "invalid_id":
			countSkippedLine(tally, outcome);
			return;
		case "file_error":
			noteFileError(tally, outcome);
			return;
		case "file_cut":
			noteFileCut(tally, outcome);
			return;
	}
}

/** A line the parser skips (a format error, an invalid ID): counted and sampled the same everywhere. */
export function countSkippedLine(tally: Tally, outcome: FormatErrorOutcome | InvalidIdOutcome): void {
	const c = tally.counts;
	c.recordsReceived++;
	if (outcome.type === "invalid_id") {
		c.invalidIds++;
		addSample(tally, "invalidIds", { line: outcome.line, why: outcome.problem, text: outcome.text });
		return;
	}
	countFormatError(tally, outcome.line, outcome.problem, outcome.text);
}

/** A format error (the line is already counted as received): by problem, with a sample. */
export function countFormatError(tally: Tally, line: number, problem: LineProblem, text?: string): void {
	tally.counts.formatErrors++;
	tally.problems[problem] = (tally.problems[problem] ?? 0) + 1;
	addSample(tally, "formatErrors", { line, why: PROBLEM_TEXT[problem], text });
}

/** The signals a record had after the per-line cap: not read, counted. */
export function countSignalsOverCap(tally: Tally, record: RecordOutcome): void {
	if (record.signalsOverCap === 0) return;
	tally.counts.signalsOverCap += record.signalsOverCap;
	const why = `${record.signalsOverCap} signals after the first ${record.signals.length} not read`;
	addSample(tally, "signalsOverCap", { line: record.line, why, text: record.text });
}

export function noteFileError(tally: Tally, outcome: FileErrorOutcome): void {
	const { code, message, afterLine, refused } = outcome;
	tally.fileError ??= { code, message, afterLine, ...(refused ? { refused } : {}) };
}

export function noteFileCut(tally: Tally, outcome: FileCutOutcome): void {
	tally.fileCut ??= { afterLine: outcome.afterLine, bytesRead: outcome.bytesRead, maxBytes: outcome.maxBytes };
}

/** A record's line, its signals and those already known to be unused (what the file alone can tell). */
function countRecord(tally: Tally, record: RecordOutcome): void {
	const c = tally.counts;
	c.recordsReceived++;
	c.totalSignals += record.signals.length;
	c.totalUnusedSignals += record.unusedSignals;
	if (record.unusedSignals > 0 && !samplesFull(tally, "unusedSignals")) {
		addSample(tally, "unusedSignals", { line: record.line, why: unusedWhy(record), text: record.text });
	}
}

function unusedWhy(record: RecordOutcome): string {
	const parts: string[] = [];
	for (const s of record.signals) if (s.kind === "unusable") parts.push(`unparseable ${JSON.stringify(s.text)}`);
	// The rest of a record's unused signals are removals, ignored because the file is an .overwrite.
	if (record.unusedSignals > parts.length) parts.push("removal ignored in .overwrite");
	return parts.join("; ");
}

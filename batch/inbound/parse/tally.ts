import { MAX_LINES_PER_USER } from "../../../core/inbound-limits";
import type { FileErrorCode } from "./content";
import type { LineProblem } from "./line";
import { type InboundOutcome, SAMPLE_CHARS } from "./outcome";

/**
 * The receipt counts (SPEC §5) that reading a file decides alone. The others (No matching ID, realized
 * traits, …) need D1 and are the pipeline's; it also adds the unused signals only D1 can tell (a key
 * no rule uses, a trait of another data source).
 */
export interface FormatCounts {
	recordsReceived: number;
	formatErrors: number;
	invalidIds: number;
	/** Signals on the lines handed on (records); a skipped line's signals are not counted. */
	totalSignals: number;
	totalUnusedSignals: number;
	/** Signals after the per-line cap, on those lines: not read (not in totalSignals). */
	signalsOverCap: number;
}

export type SampleKind = "formatErrors" | "invalidIds" | "unusedSignals" | "signalsOverCap";
export interface FormatSample {
	line: number;
	why: string;
	text: string;
}
export const SAMPLES_PER_KIND = 10;

/** Plain data (JSON-safe), so a Workflow step can return it and tallies of parts can be merged. */
export interface FormatTally {
	counts: FormatCounts;
	/** Format errors by problem. */
	problems: Partial<Record<LineProblem, number>>;
	samples: Partial<Record<SampleKind, FormatSample[]>>;
	fileError: { code: FileErrorCode; message: string; afterLine: number } | null;
	/** Reading stopped at the size cap after this line (see FileCutOutcome). */
	fileCut: { afterLine: number; bytesRead: number; maxBytes: number } | null;
}

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
	too_many_lines_for_user: `more than ${MAX_LINES_PER_USER} lines for this user`,
};

export function emptyFormatTally(): FormatTally {
	return {
		counts: {
			recordsReceived: 0,
			formatErrors: 0,
			invalidIds: 0,
			totalSignals: 0,
			totalUnusedSignals: 0,
			signalsOverCap: 0,
		},
		problems: {},
		samples: {},
		fileError: null,
		fileCut: null,
	};
}

export function countOutcome(tally: FormatTally, outcome: InboundOutcome): void {
	const c = tally.counts;
	switch (outcome.type) {
		case "record": {
			c.recordsReceived++;
			c.totalSignals += outcome.signals.length;
			c.totalUnusedSignals += outcome.unusedSignals;
			c.signalsOverCap += outcome.signalsOverCap;
			if (outcome.unusedSignals > 0 && !full(tally, "unusedSignals")) {
				sample(tally, "unusedSignals", outcome.line, unusedWhy(outcome), outcome.text);
			}
			if (outcome.signalsOverCap > 0) {
				const why = `${outcome.signalsOverCap} signals after the first ${outcome.signals.length} not read`;
				sample(tally, "signalsOverCap", outcome.line, why, outcome.text);
			}
			return;
		}
		case "id_pair":
			c.recordsReceived++;
			return;
		case "format_error":
			c.recordsReceived++;
			c.formatErrors++;
			tally.problems[outcome.problem] = (tally.problems[outcome.problem] ?? 0) + 1;
			sample(tally, "formatErrors", outcome.line, PROBLEM_TEXT[outcome.problem], outcome.text);
			return;
		case "invalid_id":
			c.recordsReceived++;
			c.invalidIds++;
			sample(tally, "invalidIds", outcome.line, outcome.problem, outcome.text);
			return;
		case "file_error":
			tally.fileError ??= { code: outcome.code, message: outcome.message, afterLine: outcome.afterLine };
			return;
		case "file_cut":
			tally.fileCut ??= { afterLine: outcome.afterLine, bytesRead: outcome.bytesRead, maxBytes: outcome.maxBytes };
			return;
	}
}

/** Sums tallies in order (parts of a delivery, chunks of a file): the samples kept are the earliest. */
export function mergeFormatTallies(tallies: readonly FormatTally[]): FormatTally {
	const out = emptyFormatTally();
	for (const t of tallies) {
		for (const key of Object.keys(out.counts) as Array<keyof FormatCounts>) out.counts[key] += t.counts[key];
		for (const [problem, n] of Object.entries(t.problems) as Array<[LineProblem, number]>) {
			out.problems[problem] = (out.problems[problem] ?? 0) + n;
		}
		for (const [kind, list] of Object.entries(t.samples) as Array<[SampleKind, FormatSample[]]>) {
			const kept = out.samples[kind] ?? [];
			kept.push(...list.slice(0, SAMPLES_PER_KIND - kept.length));
			out.samples[kind] = kept;
		}
		out.fileError ??= t.fileError;
		out.fileCut ??= t.fileCut;
	}
	return out;
}

function full(tally: FormatTally, kind: SampleKind): boolean {
	return (tally.samples[kind]?.length ?? 0) >= SAMPLES_PER_KIND;
}

function sample(tally: FormatTally, kind: SampleKind, line: number, why: string, text: string): void {
	const kept = tally.samples[kind] ?? [];
	tally.samples[kind] = kept;
	if (kept.length >= SAMPLES_PER_KIND) return;
	kept.push({ line, why: cut(why), text: cut(text) });
}

function cut(text: string): string {
	return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

function unusedWhy(record: Extract<InboundOutcome, { type: "record" }>): string {
	const parts: string[] = [];
	for (const s of record.signals) if (s.kind === "unusable") parts.push(`unparseable ${JSON.stringify(s.text)}`);
	// The rest of a record's unused signals are removals, ignored because the file is an .overwrite.
	if (record.unusedSignals > parts.length) parts.push("removal ignored in .overwrite");
	return parts.join("; ");
}

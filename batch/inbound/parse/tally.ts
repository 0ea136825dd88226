import {
	emptyCounts,
	type LineCounts,
	type ReceiptSampleKind,
	type SampleLines,
	type UserTotals,
} from "../../receipts/receipt";
import type { FileErrorCode } from "./file-error";
import type { LineProblem } from "./line";
import { cutToSample, SAMPLE_CHARS } from "./outcome";

/**
 * The one inbound counting model: the receipt's counts (SPEC §5) with what explains them. Every stage
 * that counts makes one: the parser's reading of a file (countOutcome, what the vendor CLI prints), the
 * workflow's split step and each chunk step; mergeTallies adds them up into the delivery's receipt.
 * Plain data (JSON-safe), so a Workflow step can return it and a chunk can store it in D1.
 */
export interface Tally {
	counts: LineCounts;
	/**
	 * Distinct users: who stored something, who named traits of another source. Exact when summed over
	 * a delivery's groups, since all lines of a user land in one group (batch/inbound/groups.ts).
	 */
	users: UserTotals;
	/** Format errors by problem (the CLI's breakdown; the receipt shows their sum). */
	problems: Partial<Record<LineProblem, number>>;
	/** Up to SAMPLES_PER_KIND offending lines per kind, the lowest line numbers kept (whatever the order met). */
	samples: Samples;
	/** The first file that could not be read to its end (see FileErrorOutcome); `refused`: none of it applied. */
	fileError: { code: FileErrorCode; message: string; afterLine: number; refused?: boolean } | null;
	/** The first file whose reading stopped at the size cap (see FileCutOutcome). */
	fileCut: { afterLine: number; bytesRead: number; maxBytes: number } | null;
}

/** The receipt's kinds, and unused signals: the CLI shows samples of those, the receipt counts only. */
export type SampleKind = ReceiptSampleKind | "unusedSignals";

/**
 * One offending line: its number, why it counts when the kind alone does not say, and its text, each
 * cut to SAMPLE_CHARS. The receipt prints it as `line N: why: text`.
 */
export interface Sample {
	line: number;
	why?: string;
	text?: string;
}

export type Samples = Partial<Record<SampleKind, Sample[]>>;

export const SAMPLES_PER_KIND = 10;

export function emptyTally(): Tally {
	return {
		counts: emptyCounts(),
		users: { devices: 0, failedValidation: 0 },
		problems: {},
		samples: {},
		fileError: null,
		fileCut: null,
	};
}

/**
 * Keeps the sample if it is among the SAMPLES_PER_KIND lowest line numbers of its kind so far. Groups
 * meet lines by user bucket, not in file order, and the receipt still shows the file's earliest.
 */
export function addSample(tally: Tally, kind: SampleKind, sample: Sample): void {
	const kept = tally.samples[kind] ?? [];
	tally.samples[kind] = kept;
	const { line, why, text } = sample;
	if (kept.length >= SAMPLES_PER_KIND && line >= (kept.at(-1)?.line ?? 0)) return;
	keepEarliest(kept, {
		line,
		...(why === undefined ? {} : { why: cutToSample(why) }),
		...(text === undefined ? {} : { text: cutToSample(text) }),
	});
}

/** Inserts by line number (stable for equal lines) and drops what falls past SAMPLES_PER_KIND. */
function keepEarliest(kept: Sample[], sample: Sample): void {
	let at = kept.length;
	while (at > 0 && (kept[at - 1]?.line ?? 0) > sample.line) at--;
	kept.splice(at, 0, sample);
	if (kept.length > SAMPLES_PER_KIND) kept.pop();
}

export function samplesFull(tally: Tally, kind: SampleKind): boolean {
	return (tally.samples[kind]?.length ?? 0) >= SAMPLES_PER_KIND;
}

/**
 * A tally as an earlier version stored it (a chunk's counts in D1, a Workflow step's result): counters
 * it did not have yet count zero, and its samples were strings, `line N: text`.
 */
export interface StoredTally {
	counts: Partial<LineCounts>;
	users?: Partial<UserTotals>;
	problems?: Partial<Record<LineProblem, number>>;
	samples: Partial<Record<SampleKind, Array<Sample | string>>>;
	fileError?: Tally["fileError"];
	fileCut?: Tally["fileCut"];
}

/** Sums tallies (split parts, groups); the samples kept are the earliest lines, whatever the order given. */
export function mergeTallies(tallies: readonly StoredTally[]): Tally {
	const out = emptyTally();
	for (const t of tallies) {
		for (const key of Object.keys(out.counts) as Array<keyof LineCounts>) out.counts[key] += t.counts[key] ?? 0;
		out.users.devices += t.users?.devices ?? 0;
		out.users.failedValidation += t.users?.failedValidation ?? 0;
		for (const [problem, n] of Object.entries(t.problems ?? {}) as Array<[LineProblem, number]>) {
			out.problems[problem] = (out.problems[problem] ?? 0) + n;
		}
		for (const [kind, list] of Object.entries(t.samples) as Array<[SampleKind, Array<Sample | string>]>) {
			const kept = out.samples[kind] ?? [];
			for (const sample of list.map(sampleOf)) keepEarliest(kept, sample);
			out.samples[kind] = kept;
		}
		out.fileError ??= t.fileError ?? null;
		out.fileCut ??= t.fileCut ?? null;
	}
	return out;
}

function sampleOf(stored: Sample | string): Sample {
	if (typeof stored !== "string") return stored;
	const m = /^line (\d+): ([\s\S]*)$/.exec(stored);
	return m ? { line: Number(m[1]), text: m[2] } : { line: 0, text: stored };
}

/** The samples as the receipt lists them: `line N: why: text`, cut to SAMPLE_CHARS after `line N: `. */
export function receiptSampleLines(samples: Samples): SampleLines {
	const out: SampleLines = {};
	for (const [kind, list] of Object.entries(samples) as Array<[SampleKind, Sample[]]>) {
		if (kind === "unusedSignals") continue;
		out[kind] = list.map(receiptSampleLine);
	}
	return out;
}

export function receiptSampleLine({ line, why, text }: Sample): string {
	const said = [why, text].filter((part) => part !== undefined).join(": ");
	return `line ${line}: ${said.slice(0, SAMPLE_CHARS)}`;
}

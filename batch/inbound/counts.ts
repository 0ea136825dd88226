import { emptyCounts, type LineCounts, type ReceiptSampleKind, type SampleLines } from "../receipts/receipt";

export type ErrorKind = ReceiptSampleKind;
export type Samples = SampleLines;
export const SAMPLES_PER_KIND = 10;

export interface Tally {
	counts: LineCounts;
	samples: Samples;
}

export function emptyTally(): Tally {
	return { counts: emptyCounts(), samples: {} };
}

export function sample(samples: Samples, kind: ErrorKind, lineNo: number, text: string): void {
	const list = samples[kind] ?? [];
	if (list.length < SAMPLES_PER_KIND) list.push(`line ${lineNo}: ${text.slice(0, 200)}`);
	samples[kind] = list;
}

/** Sums tallies in order, so the samples kept are those of the earliest lines. */
export function mergeTallies(tallies: readonly Tally[]): Tally {
	const out = emptyTally();
	for (const t of tallies) {
		// A tally stored before a counter existed (a chunk applied by an older version) lacks it.
		for (const key of Object.keys(out.counts) as Array<keyof LineCounts>) out.counts[key] += t.counts[key] ?? 0;
		for (const [kind, lines] of Object.entries(t.samples) as Array<[ErrorKind, string[]]>) {
			const list = out.samples[kind] ?? [];
			list.push(...lines.slice(0, SAMPLES_PER_KIND - list.length));
			out.samples[kind] = list;
		}
	}
	return out;
}

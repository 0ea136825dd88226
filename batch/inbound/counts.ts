/** The receipt's per-line counters (SPEC §5), summed over the chunks of a delivery. */
export interface LineCounts {
	recordsReceived: number;
	formatErrors: number;
	invalidIds: number;
	noMatchingId: number;
	noTraitRealized: number;
	totalSignals: number;
	totalUnusedSignals: number;
	totalRealizedTraits: number;
	totalRemovedTraits: number;
	totalTraitsFailedValidation: number;
	/** Signals after the per-line cap (INBOUND_MAX_SIGNALS_PER_LINE): not read, not in totalSignals. */
	signalsOverCap: number;
	/** Files whose content went past the size cap (INBOUND_MAX_FILE_BYTES): read up to it only. */
	filesCut: number;
}

export type ErrorKind =
	| "formatErrors"
	| "invalidIds"
	| "noMatchingId"
	| "noTraitRealized"
	| "traitsFailedValidation"
	| "signalsOverCap"
	| "filesCut";

/** Up to SAMPLES_PER_KIND offending lines per error kind, as `line N: text` (text cut to 200 chars). */
export type Samples = Partial<Record<ErrorKind, string[]>>;
export const SAMPLES_PER_KIND = 10;

export interface Tally {
	counts: LineCounts;
	samples: Samples;
}

export function emptyCounts(): LineCounts {
	return {
		recordsReceived: 0,
		formatErrors: 0,
		invalidIds: 0,
		noMatchingId: 0,
		noTraitRealized: 0,
		totalSignals: 0,
		totalUnusedSignals: 0,
		totalRealizedTraits: 0,
		totalRemovedTraits: 0,
		totalTraitsFailedValidation: 0,
		signalsOverCap: 0,
		filesCut: 0,
	};
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

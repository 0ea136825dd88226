import {
	countOutcome,
	emptyTally,
	type FileNameError,
	type InboundFileName,
	type InboundIdType,
	isFileNameError,
	memoryUserLineCounter,
	parseInboundFile,
	parseInboundFileName,
	type Tally,
} from "../inbound/parse";

/** 0: the file is valid; 1: some lines would be skipped or not read; 2: the file itself cannot be used. */
export type ExitCode = 0 | 1 | 2;

export interface ValidateOptions {
	idType: InboundIdType;
	/** Users tracked exactly for the 200-lines rule (see memoryUserLineCounter). */
	maxTrackedUsers?: number;
	/** The edge's caps, when its operator changed them (the defaults otherwise). */
	maxSignalsPerLine?: number;
	maxFileBytes?: number;
}

export interface Validation {
	file: string;
	name: InboundFileName | null;
	nameError: FileNameError | null;
	/** The file could not be opened at all. */
	openError: string | null;
	/** The receipt's counts that reading the file decides (no matching ID, realized traits… stay 0: they need the edge's data). */
	tally: Tally;
	/** False when the file had too many distinct users to check the 200-lines rule for all of them. */
	userLinesExact: boolean;
	exitCode: ExitCode;
}

/**
 * Runs the edge's own parser over a local file, so a vendor sees the format counts of the receipt
 * before uploading. Touches no storage: the counts that need the edge's data are not computed.
 */
export async function validateFile(
	path: string,
	open: (path: string) => Promise<ReadableStream<Uint8Array>>,
	options: ValidateOptions,
): Promise<Validation> {
	const file = path.split(/[/\\]/).pop() ?? path;
	const tally = emptyTally();
	const parsed = parseInboundFileName(file);
	const result = { file, name: null, nameError: null, openError: null, tally, userLinesExact: true };
	if (isFileNameError(parsed)) return { ...result, nameError: parsed, exitCode: 2 };

	let body: ReadableStream<Uint8Array>;
	try {
		body = await open(path);
	} catch (err) {
		return { ...result, name: parsed, openError: err instanceof Error ? err.message : String(err), exitCode: 2 };
	}
	const userLines = memoryUserLineCounter(options.maxTrackedUsers);
	const { idType, maxSignalsPerLine, maxFileBytes } = options;
	for await (const outcome of parseInboundFile(body, {
		name: parsed,
		idType,
		userLines,
		maxSignalsPerLine,
		maxFileBytes,
	})) {
		countOutcome(tally, outcome);
	}
	const c = tally.counts;
	const exitCode = tally.fileError ? 2 : c.formatErrors + c.invalidIds > 0 || tally.fileCut ? 1 : 0;
	return { ...result, name: parsed, userLinesExact: userLines.exact, exitCode };
}

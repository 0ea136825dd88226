import {
	countOutcome,
	emptyTally,
	type FileNameError,
	InboundFileError,
	type InboundFileName,
	type InboundIdType,
	isFileNameError,
	memoryUserLineCounter,
	parseInboundFile,
	parseInboundFileName,
	type Tally,
} from "../inbound/parse";
import { type PgpKeySource, pgpRecipients } from "../inbound/parse/pgp";

/** 0: the file is valid; 1: some lines would be skipped or not read; 2: the file itself cannot be used. */
export type ExitCode = 0 | 1 | 2;

export interface ValidateOptions {
	idType: InboundIdType;
	/** Users tracked exactly for the 200-lines rule (see memoryUserLineCounter). */
	maxTrackedUsers?: number;
	/** The edge's caps, when its operator changed them (the defaults otherwise). */
	maxSignalsPerLine?: number;
	maxFileBytes?: number;
	/** The private key for `.pgp`/`.gpg` files (`--pgp-key`); without it their content is not checked. */
	pgpKey?: PgpKeySource;
}

export interface Validation {
	file: string;
	name: InboundFileName | null;
	nameError: FileNameError | null;
	/** The file could not be opened at all. */
	openError: string | null;
	/**
	 * An encrypted file checked without the private key: the key IDs it is encrypted to ([] for a
	 * passphrase only). Its content was not read; the exit code is 2.
	 */
	encryptedTo: string[] | null;
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
	const result = { file, name: null, nameError: null, openError: null, encryptedTo: null, tally, userLinesExact: true };
	if (isFileNameError(parsed)) return { ...result, nameError: parsed, exitCode: 2 };

	let body: ReadableStream<Uint8Array>;
	try {
		body = await open(path);
	} catch (err) {
		return { ...result, name: parsed, openError: err instanceof Error ? err.message : String(err), exitCode: 2 };
	}
	if (parsed.pgp && !options.pgpKey) {
		// A vendor has the operator's public key only: say what the file is encrypted to, not check it.
		try {
			return { ...result, name: parsed, encryptedTo: await pgpRecipients(body), exitCode: 2 };
		} catch (err) {
			if (!(err instanceof InboundFileError)) throw err;
			const { code, message } = err;
			return { ...result, name: parsed, tally: { ...tally, fileError: { code, message, afterLine: 0 } }, exitCode: 2 };
		}
	}
	const userLines = memoryUserLineCounter(options.maxTrackedUsers);
	const { idType, maxSignalsPerLine, maxFileBytes, pgpKey } = options;
	let counted = tally;
	for await (const outcome of parseInboundFile(body, {
		name: parsed,
		idType,
		userLines,
		maxSignalsPerLine,
		maxFileBytes,
		pgpKey,
	})) {
		// An encrypted file that fails is refused whole by the edge: nothing of what was read counts.
		if (outcome.type === "file_error" && outcome.refused) counted = emptyTally();
		countOutcome(counted, outcome);
	}
	const c = counted.counts;
	const exitCode = counted.fileError ? 2 : c.formatErrors + c.invalidIds > 0 || counted.fileCut ? 1 : 0;
	return { ...result, name: parsed, tally: counted, userLinesExact: userLines.exact, exitCode };
}

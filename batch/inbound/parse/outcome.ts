import type { FileErrorCode } from "./file-error";
import type { LineProblem } from "./line";
import type { Signal } from "./signals";

/**
 * What the parser makes of each line of a file, in file order, exactly one per line; a `file_error`
 * comes last when the file could not be read to its end. `line` counts from the parse's `firstLine`.
 */
export type InboundOutcome =
	| RecordOutcome
	| IdPairOutcome
	| FormatErrorOutcome
	| InvalidIdOutcome
	| FileErrorOutcome
	| FileCutOutcome;

/** A well-formed line of a trait file: the pipeline resolves the user and realizes the signals. */
export interface RecordOutcome {
	type: "record";
	line: number;
	/** The whole line, for the pipeline's samples (cut it before storing). */
	text: string;
	userId: string;
	signals: Signal[];
	/** Signals already known to be unused: `unusable` ones, and removals in an `.overwrite` file. */
	unusedSignals: number;
	/** Signals after the per-line cap: not read, not in `signals`. */
	signalsOverCap: number;
}

/** A well-formed row of an `adobe_id_` file: one ID per DPID of the name, in name order. */
export interface IdPairOutcome {
	type: "id_pair";
	line: number;
	text: string;
	ids: string[];
}

export interface FormatErrorOutcome {
	type: "format_error";
	line: number;
	/** The line (lossily decoded when it is not UTF-8), cut to SAMPLE_CHARS. */
	text: string;
	problem: LineProblem;
}

export interface InvalidIdOutcome {
	type: "invalid_id";
	line: number;
	text: string;
	/** Why the ID can never match, e.g. "not a 38-digit UUID". */
	problem: string;
}

export interface FileErrorOutcome {
	type: "file_error";
	code: FileErrorCode;
	message: string;
	/** The last complete line read before the failure (firstLine − 1 when none). */
	afterLine: number;
	/**
	 * The whole file is refused: none of the lines before this outcome may be applied or counted. Set
	 * for every failure of an encrypted file, whose lines were decrypted before its integrity was known;
	 * a plain or gzip file's lines before the damage stand.
	 */
	refused: boolean;
}

/**
 * The file's content went past the size cap: the lines that ended within the cap were read (the
 * outcomes before this one), the line that straddles it and everything after are not. Comes last.
 */
export interface FileCutOutcome {
	type: "file_cut";
	/** The last line read (firstLine − 1 when none). */
	afterLine: number;
	/** Content bytes (after gunzip) up to the end of that line. */
	bytesRead: number;
	maxBytes: number;
}

/** Characters of a line kept in error outcomes and samples. */
export const SAMPLE_CHARS = 200;

/** A text cut to SAMPLE_CHARS, with `…` when something was cut. */
export function cutToSample(text: string): string {
	return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_SIGNALS_PER_LINE, MAX_LINES_PER_USER } from "../../../core/inbound-limits";
import { contentOf, InboundFileError } from "./content";
import type { InboundFileName } from "./file-name";
import { type InboundIdType, idColumnOf, parseIdSyncLine, parseTraitLine } from "./line";
import { LineSplitter, type RawLine } from "./lines";
import { cutToSample, type InboundOutcome, SAMPLE_CHARS } from "./outcome";
import type { PgpKeySource } from "./pgp";
import { watchSource } from "./pgp-stream";
import type { UserLineCounter } from "./user-lines";

export interface ParseFileOptions {
	name: InboundFileName;
	/**
	 * Whose IDs a trait file's first column holds (the partner's `inboundIdType`); a file of a global data
	 * source's device IDs is read as such whatever this says (line.ts idColumnOf). Unused for `id_sync`.
	 */
	idType: InboundIdType;
	/**
	 * Applies the 200-lines-per-user rule when given. Share one across the split parts of a delivery
	 * so the rule holds for the whole delivery; leave it out when a later stage applies the rule.
	 */
	userLines?: UserLineCounter;
	/** Number of the file's first line: continue a delivery's numbering across its split parts. */
	firstLine?: number;
	/** For tests; the contract's limit is the default. */
	maxLineBytes?: number;
	/** Signals read per line; the rest are counted in `signalsOverCap` (INBOUND_MAX_SIGNALS_PER_LINE). */
	maxSignalsPerLine?: number;
	/** Content bytes (after gunzip) read from the file; then a `file_cut` ends it (INBOUND_MAX_FILE_BYTES). */
	maxFileBytes?: number;
	/** The operator's key for `.pgp`/`.gpg` files, asked for when one is met (without it they are refused). */
	pgpKey?: PgpKeySource;
}

/**
 * Streams one inbound file and yields one outcome per line (see InboundOutcome). Never throws for
 * anything in the file: a corrupt or truncated gzip, a bad name/content mismatch or gzip whose
 * compressed bytes cost more than their content justifies becomes a final `file_error` outcome after
 * the lines read so far; content past the size cap is not read (the source is cancelled) and a final
 * `file_cut` says where reading stopped.
 *
 * A failing read of `body` itself is not the file's doing: it throws a SourceReadError (after the lines
 * read before it), whatever layer met it, so the caller retries the file instead of counting its
 * unread rest as damage.
 *
 * An encrypted file (`.pgp`/`.gpg`) is decrypted as it is read, so its lines come before its integrity
 * is known: any failure, its end included, is a final `file_error` with `refused` set, and its lines
 * must then not be applied. Past the size cap an encrypted file is refused too: its end, where its
 * integrity is checked, is never read.
 */
export async function* parseInboundFile(
	body: ReadableStream<Uint8Array>,
	options: ParseFileOptions,
): AsyncGenerator<InboundOutcome> {
	for await (const outcomes of parseInboundFileInBatches(body, options)) yield* outcomes;
}

/** Content bytes whose lines make one batch at most (plus the line begun before them). */
const BATCH_BYTES = 1 << 20;

/**
 * parseInboundFile's outcomes, the lines of one chunk of content at a time: the split step reads a
 * million lines a file, and a turn of an async generator per line cost it about a second per million.
 */
export async function* parseInboundFileInBatches(
	body: ReadableStream<Uint8Array>,
	options: ParseFileOptions,
): AsyncGenerator<InboundOutcome[]> {
	const firstLine = options.firstLine ?? 1;
	const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
	const { gzip, pgp } = options.name;
	const splitter = new LineSplitter({ maxLineBytes: options.maxLineBytes, firstLine });
	const outcomeOf = lineReader(options);
	let afterLine = firstLine - 1;
	let bytes = 0;
	let capped = false;
	const source = watchSource(body);
	try {
		for await (const chunk of contentOf(source.body, { gzip, pgp, pgpKey: options.pgpKey })) {
			const part = chunk.length > maxBytes - bytes ? chunk.subarray(0, maxBytes - bytes) : chunk;
			bytes += part.length;
			// A layer may hand on a large chunk at once (a BZip2 block inside PGP makes tens of MB): its
			// outcomes go out a slice at a time, so what a batch holds stays bounded.
			for (let at = 0; at < part.length; at += BATCH_BYTES) {
				const lines = splitter.push(part.subarray(at, at + BATCH_BYTES));
				if (lines.length > 0) {
					afterLine = lines[lines.length - 1]?.line ?? afterLine;
					yield lines.map(outcomeOf);
				}
			}
			capped = part !== chunk;
			// Leaving the loop cancels the source (and the gunzip): the rest is never read.
			if (capped) break;
		}
		if (capped && pgp) {
			const message = `decrypted content over the size cap of ${maxBytes} bytes: an encrypted file is applied only once read to its end (its integrity is checked there); nothing in it was applied: split it`;
			yield [{ type: "file_error", code: "pgp_over_cap", message, afterLine, refused: true }];
			return;
		}
		if (capped) {
			// The line begun before the cap is not read, like everything after it.
			yield [{ type: "file_cut", afterLine, bytesRead: bytes - splitter.pendingBytes, maxBytes }];
			return;
		}
		// A layer that ended quietly on a failed read (none is known to) must not make the file look whole.
		const failed = source.failure();
		if (failed) throw failed;
		const last = splitter.end();
		if (last.length > 0) yield last.map(outcomeOf);
	} catch (err) {
		// The source failed, not the file, whatever error the layers above made of it.
		const failed = source.failure();
		if (failed) throw failed;
		if (!(err instanceof InboundFileError)) throw err;
		yield [{ type: "file_error", code: err.code, message: err.message, afterLine, refused: pgp }];
	}
}

// `fatal` turns bad UTF-8 into a format error for that line alone, since each line is decoded on its
// own; the BOM is ignored by the splitter (file start only), not by the decoder (every line).
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

function lineReader(options: ParseFileOptions): (raw: RawLine) => InboundOutcome {
	const { name, idType, userLines } = options;
	const maxSignals = options.maxSignalsPerLine ?? DEFAULT_MAX_SIGNALS_PER_LINE;
	const columns = name.kind === "id_sync" ? [name.masterDpid ?? 0, ...name.syncDpids] : [];
	const column = idColumnOf(name.dpid, idType);
	return (raw) => {
		const { line } = raw;
		if (raw.overLimit) {
			const text = `${lossy.decode(raw.sample).slice(0, SAMPLE_CHARS)}… (${raw.byteLength} bytes)`;
			return { type: "format_error", line, text, problem: "too_long" };
		}
		let text: string;
		try {
			text = strict.decode(raw.bytes);
		} catch {
			return { type: "format_error", line, text: cutToSample(lossy.decode(raw.bytes)), problem: "invalid_utf8" };
		}
		if (name.kind === "id_sync") {
			const row = parseIdSyncLine(text, columns);
			if (row.ok) return { type: "id_pair", line, text, ids: row.ids };
			if ("invalidId" in row) return { type: "invalid_id", line, text: cutToSample(text), problem: row.invalidId };
			return { type: "format_error", line, text: cutToSample(text), problem: row.problem };
		}
		const parsed = parseTraitLine(text, column.idType, maxSignals, column.source);
		if (!parsed.ok) {
			if ("invalidId" in parsed)
				return { type: "invalid_id", line, text: cutToSample(text), problem: parsed.invalidId };
			return { type: "format_error", line, text: cutToSample(text), problem: parsed.problem };
		}
		if (userLines && userLines.next(parsed.userId) > MAX_LINES_PER_USER) {
			return { type: "format_error", line, text: cutToSample(text), problem: "too_many_lines_for_user" };
		}
		let unusedSignals = 0;
		for (const s of parsed.signals) {
			if (s.kind === "unusable" || (s.kind === "remove" && name.mode === "overwrite")) unusedSignals++;
		}
		return {
			type: "record",
			line,
			text,
			userId: parsed.userId,
			signals: parsed.signals,
			unusedSignals,
			signalsOverCap: parsed.signalsOverCap,
		};
	};
}

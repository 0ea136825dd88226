/** Why a file could not be read to its end. Lines read before the failure still count. */
export type FileErrorCode = "not_gzip" | "unexpected_gzip" | "gzip_invalid" | "read_failed";

export class InboundFileError extends Error {
	readonly code: FileErrorCode;

	constructor(code: FileErrorCode, message: string) {
		super(message);
		this.name = "InboundFileError";
		this.code = code;
	}
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The file's content, gunzipped when its name ends in `.gz`. The name decides, and the first two bytes
 * must agree: a gzip file without `.gz` (or the reverse) is a vendor's naming bug that would otherwise
 * show up as thousands of puzzling format errors. Every failure is an InboundFileError.
 */
export async function* contentOf(body: ReadableStream<Uint8Array>, gzip: boolean): AsyncGenerator<Uint8Array> {
	const reader = body.getReader();
	let finished = false;
	try {
		const parts: Uint8Array[] = [];
		let sniffed = 0;
		let ended = false;
		while (sniffed < GZIP_MAGIC.length) {
			const r = await readSource(reader);
			if (r.done) {
				ended = true;
				break;
			}
			parts.push(r.value);
			sniffed += r.value.length;
		}
		const head = parts.length === 1 ? (parts[0] ?? new Uint8Array(0)) : concatAll(parts, sniffed);
		const magic = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
		if (gzip && !magic) {
			throw new InboundFileError("not_gzip", "the name ends in .gz but the content is not gzip");
		}
		if (!gzip && magic) {
			throw new InboundFileError("unexpected_gzip", "the content is gzip but the name does not end in .gz");
		}
		if (!gzip) {
			if (head.length > 0) yield head;
			while (!ended) {
				const r = await readSource(reader);
				if (r.done) break;
				yield r.value;
			}
		} else {
			yield* gunzip(head, reader, ended);
		}
		finished = true;
	} finally {
		// A consumer that stops early must not leave the source (an R2 body, a file) open.
		if (!finished) await reader.cancel().catch(() => undefined);
		reader.releaseLock();
	}
}

/**
 * Gunzips with the platform's DecompressionStream. Concatenated gzip members (valid gzip, made by
 * `cat a.gz b.gz`) are refused: workerd stops at the end of the first member and reports trailing
 * bytes, Node decodes them all. The ISIZE check below makes Node refuse them too, so the vendor CLI
 * never accepts a file the edge will reject.
 */
async function* gunzip(
	head: Uint8Array,
	reader: ReadableStreamDefaultReader<Uint8Array>,
	ended: boolean,
): AsyncGenerator<Uint8Array> {
	let sourceError: InboundFileError | null = null;
	const tail = new Uint8Array(4);
	let compressed = 0;
	const track = (bytes: Uint8Array) => {
		const keep = Math.min(bytes.length, 4);
		tail.copyWithin(0, keep);
		tail.set(bytes.subarray(bytes.length - keep), 4 - keep);
		compressed += bytes.length;
	};
	track(head);
	const source = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(head);
			if (ended) controller.close();
		},
		async pull(controller) {
			try {
				const r = await readSource(reader);
				if (r.done) return controller.close();
				track(r.value);
				controller.enqueue(r.value);
			} catch (err) {
				sourceError = err instanceof InboundFileError ? err : new InboundFileError("read_failed", String(err));
				controller.error(sourceError);
			}
		},
	});
	const out = source.pipeThrough(new DecompressionStream("gzip")).getReader();
	let finished = false;
	let size = 0;
	try {
		for (;;) {
			let r: ReadableStreamReadResult<Uint8Array>;
			try {
				r = await out.read();
			} catch (err) {
				// The pipe reports a source failure as its own; tell the two apart for the operator.
				const detail = messageOf(err);
				throw (
					sourceError ?? new InboundFileError("gzip_invalid", `corrupt or truncated gzip${detail ? `: ${detail}` : ""}`)
				);
			}
			if (r.done) break;
			size = (size + r.value.length) % 2 ** 32;
			yield r.value;
		}
		// The last member's trailer ends the file with its own size mod 2^32; a sum of members does not match.
		const isize = new DataView(tail.buffer).getUint32(0, true);
		if (compressed >= 18 && isize !== size) {
			throw new InboundFileError(
				"gzip_invalid",
				"concatenated gzip members are not supported: compress the file in one go",
			);
		}
		finished = true;
	} finally {
		if (!finished) await out.cancel().catch(() => undefined);
		out.releaseLock();
	}
}

async function readSource(
	reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadableStreamReadResult<Uint8Array>> {
	try {
		return await reader.read();
	} catch (err) {
		throw new InboundFileError("read_failed", `reading the file failed: ${messageOf(err)}`);
	}
}

function concatAll(parts: Uint8Array[], length: number): Uint8Array {
	const out = new Uint8Array(length);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

import { Inflate } from "pako";
import { InboundFileError } from "./file-error";
import { decryptContent, looksLikePgp, PGP_SNIFF_BYTES, type PgpKeySource, readHead } from "./pgp";
import { readSource } from "./pgp-stream";

export { type FileErrorCode, InboundFileError } from "./file-error";

const GZIP_MAGIC = [0x1f, 0x8b];

/** How a file's name says its content is stored, and the key for encrypted files. */
export interface ContentOptions {
	gzip: boolean;
	/** `.pgp` / `.gpg`: decrypted first (pgp.ts); the plaintext must not be gzip (AAM refuses gzip inside PGP). */
	pgp: boolean;
	/** Asked for the operator's key when the file is encrypted; without it, an encrypted file is refused. */
	pgpKey?: PgpKeySource;
}

/**
 * The file's content, decrypted when its name ends in `.pgp`/`.gpg` and gunzipped when it ends in `.gz`.
 * The name decides, and the first bytes must agree: a gzip or PGP file without its extension (or the
 * reverse) is a vendor's naming bug that would otherwise show up as thousands of puzzling format
 * errors. Gzip inside PGP is refused, as AAM refuses it. Every failure is an InboundFileError.
 */
export async function* contentOf(
	body: ReadableStream<Uint8Array>,
	options: ContentOptions,
): AsyncGenerator<Uint8Array> {
	const { gzip, pgp } = options;
	const source = pgp ? await decryptContent(body, options.pgpKey) : body;
	const reader = source.getReader();
	let finished = false;
	try {
		const { head, ended } = await readHead(reader, pgp ? GZIP_MAGIC.length : PGP_SNIFF_BYTES);
		const magic = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
		if (pgp && magic) {
			throw new InboundFileError(
				"gzip_in_pgp",
				"the decrypted content is gzip, refused inside PGP as AAM refuses it; nothing in it was applied: encrypt the uncompressed file (PGP compresses already)",
			);
		}
		if (gzip && !magic) {
			throw new InboundFileError("not_gzip", "the name ends in .gz but the content is not gzip");
		}
		if (!gzip && magic) {
			throw new InboundFileError("unexpected_gzip", "the content is gzip but the name does not end in .gz");
		}
		if (!pgp && !gzip && looksLikePgp(head)) {
			throw new InboundFileError(
				"unexpected_pgp",
				"the content is PGP-encrypted but the name does not end in .pgp or .gpg",
			);
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
 * Compressed bytes handed to the inflater at a time. One step's output is held until the parser takes
 * it, and deflate expands at most about 1,032:1, so this bounds what a gzip bomb can make the parser
 * hold (8 MiB) before the size cap stops it.
 */
const INFLATE_STEP = 8_192;

/**
 * Gunzips with pako, a step at a time as the parser asks for more. Not the platform's
 * DecompressionStream: workerd's inflates every chunk written to it in full and queues the output,
 * with no backpressure ("does not yet implement any backpressure", workerd's compression.c++), so a
 * small gzip bomb would fill the Worker's 128 MB before the parser read its first lines. pako runs the
 * same in the Worker and in the vendor CLI under Node. A file of several gzip members (valid gzip, RFC
 * 1952 §2.2: `cat a.gz b.gz`, pigz and bgzip output) is read member after member, each checked
 * against its own CRC-32 and size by pako, as `gunzip` reads it.
 */
async function* gunzip(
	head: Uint8Array,
	reader: ReadableStreamDefaultReader<Uint8Array>,
	ended: boolean,
): AsyncGenerator<Uint8Array> {
	let member = new Member();
	let input: Uint8Array | null = head;
	while (input) {
		let at = 0;
		while (at < input.length) {
			// Between members, zero bytes are padding (gunzip skips them too).
			if (!member.fed && input[at] === 0) {
				at++;
				continue;
			}
			const piece = input.subarray(at, at + INFLATE_STEP);
			at += member.push(piece);
			yield* member.take();
			if (member.inflater.err !== 0) throw corrupt(member.inflater.msg);
			// pako starts the next member by itself only when its first byte came in the same push: a member
			// that ends exactly at the end of a piece or a read leaves the next one to a new inflater.
			if (member.inflater.ended) member = new Member();
		}
		input = null;
		if (!ended) {
			const r = await readSource(reader);
			if (!r.done) input = r.value;
		}
	}
	if (!member.fed) return;
	member.inflater.push(new Uint8Array(0), true);
	yield* member.take();
	const { err, msg } = member.inflater;
	if (err !== 0) throw corrupt(err === Z_BUF_ERROR ? "unexpected end of file" : msg);
}

/** One gzip member's inflater, its output not yet handed on, and how much of a push it read. */
class Member {
	readonly inflater = new Inflate({ windowBits: 16 + 15 });
	fed = false;
	private output: Uint8Array[] = [];
	private stream: { avail_in: number } | null = null;

	constructor() {
		this.inflater.onData = (chunk) => this.output.push(chunk);
		// pako's default onEnd joins every chunk into one result: not wanted, the chunks were handed on.
		this.inflater.onEnd = () => undefined;
		this.inflater.onStart = (strm) => {
			this.stream = strm;
		};
	}

	/** Pushes `piece`; returns how many of its bytes this member read (all, unless it ended inside it). */
	push(piece: Uint8Array): number {
		this.fed = true;
		this.inflater.push(piece, false);
		return this.inflater.ended ? piece.length - (this.stream?.avail_in ?? 0) : piece.length;
	}

	take(): Uint8Array[] {
		const out = this.output;
		this.output = [];
		return out;
	}
}

const Z_BUF_ERROR = -5;

function corrupt(detail: string): InboundFileError {
	return new InboundFileError("gzip_invalid", `corrupt or truncated gzip${detail ? `: ${detail}` : ""}`);
}

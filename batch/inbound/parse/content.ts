import {
	Z_BUF_ERROR,
	Z_NO_FLUSH,
	Z_OK,
	Z_STREAM_END,
	ZStream,
	zlibInflate,
	zlibInflateInit2,
	zlibInflateReset,
} from "pako";
import { GZIP_LIMITS } from "../../../core/inbound-limits";
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
 * against its own CRC-32 and size, as `gunzip` reads it; zero bytes between members are padding.
 *
 * The size cap counts content, so what content does not pay for is bounded here (GZIP_LIMITS): the
 * members a file may have, and the compressed bytes it may read beyond its content.
 */
async function* gunzip(
	head: Uint8Array,
	reader: ReadableStreamDefaultReader<Uint8Array>,
	ended: boolean,
): AsyncGenerator<Uint8Array> {
	const inflater = new MemberInflater();
	const cost = new CompressedCost();
	let input: Uint8Array | null = head;
	while (input) {
		let at = 0;
		while (at < input.length) {
			if (!inflater.inMember) {
				// Between members, zero bytes are padding (gunzip skips them too): read, so counted.
				if (input[at] === 0) {
					at++;
					cost.read(1);
					continue;
				}
				cost.member();
			}
			const used = inflater.push(input.subarray(at, at + INFLATE_STEP));
			at += used;
			// What the member made before any damage counts, as the lines before it do.
			for (const chunk of inflater.take(inflater.damage !== null)) {
				cost.made(chunk.length);
				yield chunk;
			}
			if (inflater.damage !== null) throw corrupt(inflater.damage);
			cost.read(used);
		}
		input = null;
		if (!ended) {
			const r = await readSource(reader);
			if (!r.done) input = r.value;
		}
	}
	if (!inflater.inMember) return;
	// The source ended inside a member: what it made so far counts, then the member is truncated.
	yield* inflater.take(true);
	throw corrupt("unexpected end of file");
}

/**
 * The file's gzip members through one pako stream, reset at each member's end (no auto-continue into
 * the next member, as pako's Inflate does inside a push, so every member is seen and counted).
 */
class MemberInflater {
	private readonly strm = new ZStream();
	private output: Uint8Array[] = [];
	/** A member has begun and its trailer (CRC-32, size) is not read yet. */
	inMember = false;
	/** Why the data cannot be inflated (pako's message, maybe empty); then push no more. */
	damage: string | null = null;

	constructor() {
		if (zlibInflateInit2(this.strm, GZIP_WINDOW_BITS) !== Z_OK) throw new Error("pako: cannot start an inflater");
		this.strm.avail_out = 0;
	}

	/**
	 * Inflates `piece`, stopping at the end of its member or at damage (`damage` set); returns how many
	 * of its bytes were read.
	 */
	push(piece: Uint8Array): number {
		const strm = this.strm;
		this.inMember = true;
		strm.input = piece;
		strm.next_in = 0;
		strm.avail_in = piece.length;
		for (;;) {
			if (strm.avail_out === 0) {
				strm.output = new Uint8Array(OUTPUT_CHUNK);
				strm.next_out = 0;
				strm.avail_out = OUTPUT_CHUNK;
			}
			const status = zlibInflate(strm, Z_NO_FLUSH);
			if (status !== Z_OK && status !== Z_STREAM_END && status !== Z_BUF_ERROR) {
				this.damage = strm.msg ?? "";
				return piece.length - strm.avail_in;
			}
			const memberEnd = status === Z_STREAM_END;
			if (strm.avail_out === 0 || memberEnd) this.handOn();
			if (memberEnd) {
				this.inMember = false;
				zlibInflateReset(strm);
				return piece.length - strm.avail_in;
			}
			// Read to its end, and every byte it makes is out (a full buffer may hide more).
			if (strm.avail_in === 0 && strm.avail_out > 0) return piece.length;
		}
	}

	/** The output so far; `all`: with the buffer not yet full (before the member ends or fails). */
	take(all = false): Uint8Array[] {
		if (all) this.handOn();
		const out = this.output;
		this.output = [];
		return out;
	}

	/**
	 * Hands on the buffer's content, if any; the next write then goes to a new buffer, never into one
	 * handed on. An empty buffer is kept: a member without content allocates nothing.
	 */
	private handOn(): void {
		const strm = this.strm;
		if (strm.next_out === 0) return;
		this.output.push(strm.output.subarray(0, strm.next_out));
		strm.next_out = 0;
		strm.avail_out = 0;
	}
}

/** gzip only (16), with deflate's largest window (15), as gunzip. */
const GZIP_WINDOW_BITS = 16 + 15;
/** Bytes of content handed on at a time, as pako's Inflate does. */
const OUTPUT_CHUNK = 64 * 1024;

/** What a gzip file's compressed bytes cost against the content they make (GZIP_LIMITS). */
class CompressedCost {
	private members = 0;
	private compressed = 0;
	private content = 0;

	member(): void {
		this.members++;
		const { freeMembers, contentBytesPerMember } = GZIP_LIMITS;
		const allowed = freeMembers + Math.floor(this.content / contentBytesPerMember);
		if (this.members <= allowed) return;
		throw new InboundFileError(
			"gzip_members",
			`too many gzip members: member ${this.members} after ${this.content} bytes of content (at most ${freeMembers}, then 1 per ${contentBytesPerMember} bytes); rest not read: gzip it as one stream`,
		);
	}

	/** Compressed bytes read, padding included: checked against the content made from them so far. */
	read(bytes: number): void {
		this.compressed += bytes;
		const { overheadBytes } = GZIP_LIMITS;
		if (this.compressed - this.content <= overheadBytes) return;
		throw new InboundFileError(
			"gzip_overhead",
			`gzip without content: ${this.compressed} compressed bytes made ${this.content} bytes (at most ${overheadBytes} more); rest not read: empty members, blocks or padding`,
		);
	}

	made(bytes: number): void {
		this.content += bytes;
	}
}

function corrupt(detail: string): InboundFileError {
	return new InboundFileError("gzip_invalid", `corrupt or truncated gzip${detail ? `: ${detail}` : ""}`);
}

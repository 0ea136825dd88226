import * as openpgp from "openpgp";
import { Inflate } from "pako";
import { GZIP_LIMITS } from "../../../core/inbound-limits";
import { prepend } from "./pgp-stream";

const ZIP = openpgp.enums.compression.zip;
const ZLIB = openpgp.enums.compression.zlib;

/**
 * Compressed bytes handed to the inflater at a time: deflate expands at most about 1,032:1, so what one
 * read of the plaintext makes the edge hold is bounded (8 MiB), as for gzip files (content.ts).
 */
const INFLATE_STEP = 8_192;

/**
 * OpenPGP's Compressed Data packet (tag 8; gpg compresses before it encrypts, with ZLIB by default),
 * inflated a step at a time as the plaintext is read. openpgp.js inflates ZIP and ZLIB with the
 * platform's DecompressionStream, and workerd's inflates every chunk written to it in full and queues
 * the output without backpressure: a 68 KB encrypted file holding 64 MiB of zeros was read to its end
 * while the reader had taken 24 KB of plaintext, the rest held in memory (a 1 MB file would hold a
 * GB). Given in `config.additionalAllowedPackets`, this class replaces openpgp.js's for tag 8; BZip2
 * (openpgp.js's own, pull-based) and uncompressed data go to openpgp.js as before.
 */
export class BoundedCompressedDataPacket extends openpgp.CompressedDataPacket {
	// Fields openpgp.js's class has at runtime and its d.ts leaves out.
	declare algorithm: openpgp.enums.compression;
	declare packets: Awaited<ReturnType<typeof openpgp.PacketList.fromBinary>>;

	override async read(bytes: Uint8Array | ReadableStream<Uint8Array>, config?: openpgp.Config): Promise<void> {
		const base = (data: Uint8Array | ReadableStream<Uint8Array>) =>
			(super.read as (data: Uint8Array | ReadableStream<Uint8Array>, config?: openpgp.Config) => Promise<void>).call(
				this,
				data,
				config,
			);
		// Only a streamed message (every inbound file is one) reaches here with a stream.
		if (!(bytes instanceof ReadableStream)) return base(bytes);
		const reader = bytes.getReader();
		let first = await reader.read();
		while (!first.done && first.value.length === 0) first = await reader.read();
		if (first.done) return base(new Uint8Array(0));
		const algorithm = first.value[0] ?? 0;
		if (algorithm !== ZIP && algorithm !== ZLIB) return base(prepend(first.value, reader, false, plainRead));
		this.algorithm = algorithm;
		const compressed = prepend(first.value.subarray(1), reader, false, plainRead);
		// The packets a Compressed Data packet may hold (RFC 9580 §5.6), as openpgp.js lists them; its
		// d.ts calls the list a Map, its code indexes an object by tag.
		const inner = {
			[openpgp.enums.packet.literalData]: openpgp.LiteralDataPacket,
			[openpgp.enums.packet.onePassSignature]: openpgp.OnePassSignaturePacket,
			[openpgp.enums.packet.signature]: openpgp.SignaturePacket,
		} as unknown as Parameters<typeof openpgp.PacketList.fromBinary>[1];
		const innerConfig = config ? { ...config, additionalAllowedPackets: [] } : undefined;
		try {
			this.packets = await openpgp.PacketList.fromBinary(
				inflateStream(compressed, algorithm === ZIP),
				inner,
				innerConfig,
			);
		} catch (err) {
			// openpgp.js goes on reading the message after a packet it could not read (its integrity check
			// comes first), and its packet reader waits until this packet's bytes are taken: left unread, it
			// would wait for ever (inside workerd; Node's streams buffer them). Take them, then fail.
			await drain(reader);
			throw err;
		}
	}
}

const plainRead = (reader: ReadableStreamDefaultReader<Uint8Array>) => reader.read();

/** Reads `reader` to its end, discarding what it holds; a reader already cancelled or failed ends at once. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
	try {
		while (!(await reader.read()).done) {
			// Discarded: the packet's rest.
		}
	} catch {
		// Failed or cancelled: nothing left to take.
	}
}

/**
 * Inflates `source` (raw deflate for ZIP, zlib for ZLIB) with pako, INFLATE_STEP bytes at a time, only
 * when the reader asks: each read hands on what one step made. Fails on corrupt data, on data that ends
 * before the deflate stream does, on bytes after its end, and on compressed bytes that run more than
 * GZIP_LIMITS.overheadBytes ahead of the content they make.
 */
export function inflateStream(source: ReadableStream<Uint8Array>, raw: boolean): ReadableStream<Uint8Array> {
	const reader = source.getReader();
	const inflater = new Inflate(raw ? { raw: true } : {});
	let output: Uint8Array[] = [];
	let stream: { avail_in: number } | null = null;
	// Compressed bytes taken against content made: deflate can spend bytes on nothing (empty blocks), and
	// the size cap counts content only, so what content does not pay for is bounded (GZIP_LIMITS).
	let compressed = 0;
	let content = 0;
	inflater.onData = (chunk) => {
		content += chunk.length;
		output.push(chunk);
	};
	// pako's default onEnd joins every chunk into one result: not wanted, the chunks were handed on.
	inflater.onEnd = () => undefined;
	inflater.onStart = (strm) => {
		stream = strm;
	};
	let pending: Uint8Array = new Uint8Array(0);
	let sourceEnded = false;
	let finished = false;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				while (output.length === 0) {
					if (finished) {
						controller.close();
						return;
					}
					if (inflater.ended) {
						if (pending.length > 0 || (stream?.avail_in ?? 0) > 0 || !(await atEnd(reader))) {
							throw new Error("data after the end of the compressed data");
						}
						finished = true;
						continue;
					}
					if (pending.length === 0) {
						if (sourceEnded) {
							inflater.push(new Uint8Array(0), true);
							if (!inflater.ended) throw new Error("the compressed data ends early");
							continue;
						}
						const r = await reader.read();
						if (r.done) sourceEnded = true;
						else pending = r.value;
						continue;
					}
					const piece = pending.subarray(0, INFLATE_STEP);
					pending = pending.subarray(piece.length);
					inflater.push(piece, false);
					if (inflater.err !== 0) throw new Error(`corrupt compressed data: ${inflater.msg}`);
					compressed += piece.length;
					if (compressed - content > GZIP_LIMITS.overheadBytes) {
						throw new Error(
							`compressed data without content: ${compressed} compressed bytes made ${content} bytes (at most ${GZIP_LIMITS.overheadBytes} more)`,
						);
					}
				}
				for (const chunk of output) controller.enqueue(chunk);
				output = [];
			},
			cancel: (reason) => reader.cancel(reason),
		},
		{ highWaterMark: 0 },
	);
}

/** True when the reader has nothing but empty chunks left. */
async function atEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
	for (;;) {
		const r = await reader.read();
		if (r.done) return true;
		if (r.value.length > 0) return false;
	}
}

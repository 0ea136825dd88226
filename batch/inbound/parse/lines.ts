import { MAX_LINE_BYTES } from "../../../core/inbound-limits";

/** Bytes of an over-limit line kept for the error sample. */
export const SAMPLE_BYTES = 200;

/** One line of the file, before decoding. `bytes` may be a view into the chunk it came from. */
export type RawLine =
	| { line: number; bytes: Uint8Array; overLimit: false }
	| { line: number; byteLength: number; sample: Uint8Array; overLimit: true };

const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Cuts a byte stream into lines (LF or CRLF; a last line without newline counts; a UTF-8 BOM at the
 * start of the file is dropped). Memory is bounded by the line limit, never by the file or line size:
 * a line that outgrows the limit keeps only its first SAMPLE_BYTES and its length from then on.
 * A lone CR is data, not a line break (old Mac files arrive as one long line and are reported as such).
 */
export class LineSplitter {
	readonly maxLineBytes: number;
	/** Next line number. */
	private line: number;
	/** The start of the current line when it spans chunks; allocated once, at most maxLineBytes + 1. */
	private carry: Uint8Array | null = null;
	private carryLength = 0;
	/** Set while skipping the rest of an over-limit line. */
	private overflow: { byteLength: number; sample: Uint8Array; lastByte: number } | null = null;
	/** Bytes of the first chunk(s) held until it is known whether they start with a BOM. */
	private head: Uint8Array | null = new Uint8Array(0);

	constructor(options: { maxLineBytes?: number; firstLine?: number } = {}) {
		this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
		this.line = options.firstLine ?? 1;
	}

	/** Bytes of the line begun but not yet ended (all of it, not only what is held). */
	get pendingBytes(): number {
		return this.carryLength + (this.overflow?.byteLength ?? 0) + (this.head?.length ?? 0);
	}

	/** Bytes held between calls: what a test asserts stays bounded however long a line is. */
	get retainedBytes(): number {
		return this.carryLength + (this.overflow?.sample.length ?? 0) + (this.head?.length ?? 0);
	}

	/** Lines completed by this chunk. */
	push(chunk: Uint8Array): RawLine[] {
		const out: RawLine[] = [];
		let data = chunk;
		if (this.head) {
			data = concat(this.head, chunk);
			if (data.length < BOM.length && BOM.every((b, i) => i >= data.length || data[i] === b)) {
				this.head = data;
				return out;
			}
			this.head = null;
			if (data[0] === BOM[0] && data[1] === BOM[1] && data[2] === BOM[2]) data = data.subarray(3);
		}
		let pos = 0;
		while (pos < data.length) {
			const nl = data.indexOf(LF, pos);
			const end = nl === -1 ? data.length : nl;
			if (nl !== -1 && this.carryLength === 0 && this.overflow === null) {
				// The common case: a whole line inside one chunk, handed over without a copy.
				this.finish(data.subarray(pos, end), out);
			} else {
				this.keep(data.subarray(pos, end));
				if (nl !== -1) this.finish(null, out);
			}
			if (nl === -1) break;
			pos = nl + 1;
		}
		return out;
	}

	/** The last line when the file does not end with a newline. */
	end(): RawLine[] {
		const out: RawLine[] = [];
		if (this.head) {
			const head = this.head;
			this.head = null;
			if (head.length > 0) return this.push(head).concat(this.end());
		}
		if (this.carryLength > 0 || this.overflow) this.finish(null, out);
		return out;
	}

	private keep(segment: Uint8Array): void {
		if (segment.length === 0) return;
		if (this.overflow) {
			this.overflow.byteLength += segment.length;
			this.overflow.lastByte = segment[segment.length - 1] ?? 0;
			return;
		}
		// One byte of slack: a line of exactly the limit may be followed by the CR of its CRLF.
		const room = this.maxLineBytes + 1;
		if (this.carryLength + segment.length > room) {
			const sample = new Uint8Array(SAMPLE_BYTES);
			const fromCarry = Math.min(this.carryLength, SAMPLE_BYTES);
			sample.set((this.carry ?? new Uint8Array(0)).subarray(0, fromCarry));
			const fromSegment = Math.min(segment.length, SAMPLE_BYTES - fromCarry);
			sample.set(segment.subarray(0, fromSegment), fromCarry);
			this.overflow = {
				byteLength: this.carryLength + segment.length,
				sample: sample.subarray(0, fromCarry + fromSegment),
				lastByte: segment[segment.length - 1] ?? 0,
			};
			this.carryLength = 0;
			return;
		}
		this.carry ??= new Uint8Array(room);
		this.carry.set(segment, this.carryLength);
		this.carryLength += segment.length;
	}

	/** Ends the current line: `whole` when it lies in one chunk, otherwise what was kept. */
	private finish(whole: Uint8Array | null, out: RawLine[]): void {
		const line = this.line++;
		if (this.overflow) {
			const { byteLength, sample, lastByte } = this.overflow;
			this.overflow = null;
			out.push({ line, byteLength: byteLength - (lastByte === CR ? 1 : 0), sample, overLimit: true });
			return;
		}
		// A line from the carry is copied: the rest of this chunk refills the carry before the caller reads.
		let bytes = whole ?? (this.carry ?? new Uint8Array(0)).slice(0, this.carryLength);
		this.carryLength = 0;
		if (bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
		if (bytes.length > this.maxLineBytes) {
			out.push({ line, byteLength: bytes.length, sample: bytes.slice(0, SAMPLE_BYTES), overLimit: true });
		} else {
			out.push({ line, bytes, overLimit: false });
		}
	}
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
	if (a.length === 0) return b;
	const out = new Uint8Array(a.length + b.length);
	out.set(a);
	out.set(b, a.length);
	return out;
}

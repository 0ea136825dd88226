import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	countOutcome,
	emptyTally,
	type InboundFileName,
	type InboundOutcome,
	memoryUserLineCounter,
	parseInboundFile,
	parseInboundFileName,
	parseSignals,
	parseTraitLine,
} from "../../batch/inbound/parse";

function nameOf(name: string): InboundFileName {
	const parsed = parseInboundFileName(name);
	if ("error" in parsed) throw new Error(parsed.error);
	return parsed;
}

/** Cuts `bytes` at the given points (any numbers; taken modulo the length) into a stream. */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
	const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
	const parts: Uint8Array[] = [];
	let from = 0;
	for (const p of [...points, bytes.length]) {
		parts.push(bytes.slice(from, p));
		from = p;
	}
	return new ReadableStream({
		pull(controller) {
			const next = parts.shift();
			if (next === undefined) controller.close();
			else controller.enqueue(next);
		},
	});
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
	const stream = chunked(bytes, []).pipeThrough(new CompressionStream("gzip"));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The number of lines by the contract: LF-separated, a non-empty last line counts, a leading BOM is not content. */
function expectedLines(bytes: Uint8Array): number {
	const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
	if (body.length === 0) return 0;
	const newlines = body.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
	return newlines + (body[body.length - 1] === 0x0a ? 0 : 1);
}

/**
 * Bytes that start like a binary OpenPGP message (RFC 9580 §4.2): the header of a tag 1 or tag 3 packet,
 * old format (its length in 1, 2 or 4 octets) or new (in 1, 2 or 5), then a version from 3 to 6. The edge
 * refuses such a file under a plain name (`unexpected_pgp`).
 */
function startsLikePgp(b: Uint8Array): boolean {
	const oldFormat: Record<number, number> = { 132: 2, 133: 3, 134: 5, 140: 2, 141: 3, 142: 5 };
	const len = b[1] ?? 0;
	const newFormat = len < 192 ? 2 : len < 224 ? 3 : len === 255 ? 6 : -1;
	const first = b[0] ?? 0;
	const at = oldFormat[first] ?? (first === 0xc1 || first === 0xc3 ? newFormat : -1);
	const version = at < 0 ? -1 : (b[at] ?? -1);
	return version >= 3 && version <= 6;
}

async function collect(
	body: ReadableStream<Uint8Array>,
	file: string,
	maxLineBytes: number,
): Promise<InboundOutcome[]> {
	const out: InboundOutcome[] = [];
	const options = { name: nameOf(file), idType: "partner" as const, maxLineBytes, userLines: memoryUserLineCounter(3) };
	for await (const o of parseInboundFile(body, options)) out.push(o);
	return out;
}

// Bytes biased towards what makes lines interesting: newlines, CR, TAB, commas, quotes, BOM and UTF-8 lead bytes.
const fileBytes = fc
	.array(
		fc.oneof(
			{ weight: 6, arbitrary: fc.integer({ min: 0, max: 255 }) },
			{ weight: 4, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x09, 0x2c, 0x3d, 0x22, 0x31, 0x75, 0xef, 0xbb, 0xbf, 0xc3) },
			// Packet headers and versions of OpenPGP messages, which a plain name must not hold.
			{ weight: 1, arbitrary: fc.constantFrom(0x84, 0x85, 0x8c, 0xc1, 0x03, 0x04) },
		),
		{ maxLength: 600 },
	)
	.map((a) => new Uint8Array(a));
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const maxLineBytes = fc.integer({ min: 1, max: 64 });

describe("property: the parser on arbitrary bytes", () => {
	it("never throws and yields exactly one outcome per line, in order", async () => {
		await fc.assert(
			fc.asyncProperty(fileBytes, cuts, maxLineBytes, async (bytes, at, limit) => {
				const outcomes = await collect(chunked(bytes, at), "ftp_dpm_1000_1700000000.sync", limit);
				if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
					expect(outcomes).toMatchObject([{ type: "file_error", code: "unexpected_gzip" }]);
					return;
				}
				if (startsLikePgp(bytes)) {
					expect(outcomes).toMatchObject([{ type: "file_error", code: "unexpected_pgp" }]);
					return;
				}
				const lines = expectedLines(bytes);
				expect(outcomes.map((o) => ("line" in o ? o.line : -1))).toEqual(
					Array.from({ length: lines }, (_, i) => i + 1),
				);
				const tally = emptyTally();
				for (const o of outcomes) countOutcome(tally, o);
				const c = tally.counts;
				expect(c.recordsReceived).toBe(lines);
				expect(c.totalUnusedSignals).toBeLessThanOrEqual(c.totalSignals);
				expect(tally.fileError).toBeNull();
			}),
			{ numRuns: 400 },
		);
	});

	it("reads the same lines from the gzip of the same bytes", async () => {
		await fc.assert(
			fc.asyncProperty(fileBytes, cuts, async (bytes, at) => {
				fc.pre(!(bytes[0] === 0x1f && bytes[1] === 0x8b) && !startsLikePgp(bytes));
				const plain = await collect(chunked(bytes, []), "ftp_dpm_1000_1700000000.sync", 32);
				const gz = await collect(chunked(await gzip(bytes), at), "ftp_dpm_1000_1700000000.sync.gz", 32);
				expect(gz).toEqual(plain);
			}),
			{ numRuns: 60 },
		);
	});

	it("never throws on a damaged gzip, and counts each line it reads once", async () => {
		await fc.assert(
			fc.asyncProperty(
				fileBytes,
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				fc.boolean(),
				async (bytes, where, flip, truncate) => {
					const gz = await gzip(bytes);
					const at = where % gz.length;
					const damaged = truncate ? gz.slice(0, at) : gz.map((b, i) => (i === at ? b ^ flip : b));
					const outcomes = await collect(chunked(damaged, [where]), "ftp_dpm_1000_1700000000.sync.gz", 32);
					const lines = outcomes.filter((o) => o.type !== "file_error");
					expect(lines.map((o) => ("line" in o ? o.line : -1))).toEqual(lines.map((_, i) => i + 1));
					// A cut file yields at most its lines; a flipped bit can decode into other bytes (more
					// newlines) before the CRC at the end exposes it, so only the cut case bounds the count.
					if (truncate) expect(lines.length).toBeLessThanOrEqual(expectedLines(bytes));
					expect(outcomes.filter((o) => o.type === "file_error").length).toBeLessThanOrEqual(1);
				},
			),
			{ numRuns: 150 },
		);
	});
});

describe("property: lines and signals", () => {
	it("never throws on any text, and a record always has a usable signal", () => {
		fc.assert(
			fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("partner", "uuid"), (text, idType) => {
				const line = parseTraitLine(text, idType);
				if (line.ok) expect(line.signals.some((s) => s.kind !== "unusable")).toBe(true);
			}),
			{ numRuns: 2_000 },
		);
	});

	it("reads back the key-values it is given, quoted or bare, with spaces", () => {
		const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((w) => w !== "d_sid" && w !== "d_unsid");
		// Printable ASCII only: control characters make a key or value unusable by design.
		const text = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme-ascii" });
		const pair = fc.record({ key: word, value: text, spaces: fc.boolean() });
		fc.assert(
			fc.property(fc.array(pair, { minLength: 1, maxLength: 6 }), (pairs) => {
				const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
				const list = pairs.map((p) =>
					p.spaces ? ` ${p.key} = ${quote(p.value)} ` : `${quote(p.key)}=${quote(p.value)}`,
				);
				expect(parseSignals(list.join(","))).toEqual(pairs.map((p) => ({ kind: "kv", key: p.key, value: p.value })));
			}),
			{ numRuns: 500 },
		);
	});

	it("reads d_sid=… and d_unsid=… (its short path) as it reads the same signal with the key quoted", () => {
		// Quoting the key takes the general key-value path; the short path must agree with it on any value.
		const value = fc.oneof(
			fc.stringMatching(/^[0-9]{1,18}$/),
			fc.string({ maxLength: 20, unit: fc.constantFrom("0", "1", "9", "a", "=", " ", ":", "-", "+", ".", "e", "\t") }),
		);
		const withoutText = (s: { kind: string }) => (s.kind === "unusable" ? { kind: "unusable" } : s);
		fc.assert(
			fc.property(fc.constantFrom("d_sid", "d_unsid"), value, (key, v) => {
				const short = parseSignals(`${key}=${v}`).map(withoutText);
				const general = parseSignals(`"${key}"=${v}`).map(withoutText);
				expect(short).toEqual(general);
			}),
			{ numRuns: 2_000 },
		);
	});
});

import { describe, expect, it } from "vitest";
import {
	countOutcome,
	emptyTally,
	type InboundFileName,
	type InboundOutcome,
	LineSplitter,
	memoryUserLineCounter,
	mergeTallies,
	type ParseFileOptions,
	parseInboundFile,
	parseInboundFileInBatches,
	parseInboundFileName,
	type RawLine,
	SourceReadError,
	type Tally,
} from "../../batch/inbound/parse";
import { streamOf } from "./support/streams";

const enc = new TextEncoder();
const UUID = "12345678901234567890123456789012345678";
/** The contract's line limit (SPEC §5), stated here rather than read from the code under test. */
const MAX_LINE_BYTES = 102_400;

function bytesOf(text: string): Uint8Array {
	return enc.encode(text);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
	const compressed = streamOf(bytes).pipeThrough(new CompressionStream("gzip"));
	return new Uint8Array(await new Response(compressed).arrayBuffer());
}

function nameOf(name: string): InboundFileName {
	const parsed = parseInboundFileName(name);
	if ("error" in parsed) throw new Error(parsed.error);
	return parsed;
}

const PLAIN = "ftp_dpm_1000_1700000000.sync";
const GZ = "ftp_dpm_1000_1700000000.sync.gz";

async function parse(
	bytes: Uint8Array,
	file = PLAIN,
	options: Partial<ParseFileOptions> & { chunkSize?: number } = {},
): Promise<{ outcomes: InboundOutcome[]; tally: Tally }> {
	const tally = emptyTally();
	const outcomes: InboundOutcome[] = [];
	const body = streamOf(bytes, options.chunkSize);
	for await (const o of parseInboundFile(body, { name: nameOf(file), idType: "partner", ...options })) {
		outcomes.push(o);
		countOutcome(tally, o);
	}
	return { outcomes, tally };
}

/** Lines as the splitter returns them, text decoded, over chunks of `size` bytes. */
function split(bytes: Uint8Array, size: number, maxLineBytes?: number): Array<string | number> {
	const splitter = new LineSplitter({ maxLineBytes });
	const out: RawLine[] = [];
	for (let at = 0; at < bytes.length; at += size) out.push(...splitter.push(bytes.slice(at, at + size)));
	out.push(...splitter.end());
	const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
	return out.map((l) => (l.overLimit ? l.byteLength : decoder.decode(l.bytes)));
}

describe("line splitter", () => {
	it.each([1, 2, 3, 7, 1024])(
		"cuts LF, CRLF, a BOM and a last line without newline the same in %i-byte chunks",
		(size) => {
			const file = bytesOf("\uFEFFa\tb\r\nc\td\n\ne\r\n\uFEFFf\tg");
			expect(split(file, size)).toEqual(["a\tb", "c\td", "", "e", "\uFEFFf\tg"]);
		},
	);

	it("counts no line for an empty file, a lone BOM or a final newline", () => {
		expect(split(new Uint8Array(0), 10)).toEqual([]);
		expect(split(bytesOf("\uFEFF"), 1)).toEqual([]);
		expect(split(bytesOf("a\n"), 10)).toEqual(["a"]);
		expect(split(bytesOf("\n"), 10)).toEqual([""]);
		expect(split(new Uint8Array([0xef, 0xbb]), 1)).toEqual(["\uFFFD"]);
	});

	it("keeps a line of exactly the limit, CRLF or not, and refuses one byte more", () => {
		const limit = "x".repeat(MAX_LINE_BYTES);
		expect(split(bytesOf(`${limit}\r\n${limit}\n${limit}`), 4096).map((l) => String(l).length)).toEqual([
			MAX_LINE_BYTES,
			MAX_LINE_BYTES,
			MAX_LINE_BYTES,
		]);
		expect(split(bytesOf(`${limit}x\r\nok\n${limit}xy`), 4096)).toEqual([MAX_LINE_BYTES + 1, "ok", MAX_LINE_BYTES + 2]);
	});

	it("skips a 1 MB line without holding it: a sample, its length, and the next line", () => {
		const splitter = new LineSplitter();
		const big = bytesOf(`${"y".repeat(1024 * 1024)}\r\nnext\tline\n`);
		const lines: RawLine[] = [];
		let maxRetained = 0;
		for (let at = 0; at < big.length; at += 64 * 1024) {
			lines.push(...splitter.push(big.slice(at, at + 64 * 1024)));
			maxRetained = Math.max(maxRetained, splitter.retainedBytes);
		}
		lines.push(...splitter.end());
		expect(maxRetained).toBeLessThan(2 * MAX_LINE_BYTES);
		expect(lines).toHaveLength(2);
		const [first, second] = lines;
		expect(first).toMatchObject({ line: 1, overLimit: true, byteLength: 1024 * 1024 });
		expect(first?.overLimit && first.sample.length).toBe(200);
		expect(second?.overLimit === false && new TextDecoder().decode(second.bytes)).toBe("next\tline");
	});

	it("stays bounded over 10 MB of a single line", () => {
		const splitter = new LineSplitter();
		const chunk = new Uint8Array(64 * 1024).fill(0x61);
		let maxRetained = 0;
		for (let i = 0; i < 160; i++) {
			expect(splitter.push(chunk)).toEqual([]);
			maxRetained = Math.max(maxRetained, splitter.retainedBytes);
		}
		expect(maxRetained).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
		expect(splitter.end()).toMatchObject([{ line: 1, overLimit: true, byteLength: 160 * 64 * 1024 }]);
	});
});

describe("parsing a file", () => {
	const good = 'u1\td_sid=24,ic=52\nu2\t30608 , 28:0\r\nu3\tcolor = "red"\n';

	it("hands on records with their line numbers and counts signals", async () => {
		const { outcomes, tally } = await parse(bytesOf(good));
		expect(outcomes.map((o) => o.type === "record" && [o.line, o.userId, o.signals.length])).toEqual([
			[1, "u1", 2],
			[2, "u2", 2],
			[3, "u3", 1],
		]);
		expect(tally.counts).toEqual({
			recordsReceived: 3,
			formatErrors: 0,
			invalidIds: 0,
			noMatchingId: 0,
			noTraitRealized: 0,
			totalSignals: 5,
			totalUnusedSignals: 0,
			totalRealizedTraits: 0,
			totalRemovedTraits: 0,
			totalTraitsFailedValidation: 0,
			signalsOverCap: 0,
			filesCut: 0,
		});
		expect(tally.fileError).toBeNull();
	});

	it("reads gzip the same as plain text", async () => {
		const plain = await parse(bytesOf(good));
		const gz = await parse(await gzip(bytesOf(good)), GZ, { chunkSize: 7 });
		expect(gz.outcomes).toEqual(plain.outcomes);
	});

	it("counts nothing for an empty file", async () => {
		const { outcomes, tally } = await parse(new Uint8Array(0));
		expect(outcomes).toEqual([]);
		expect(tally.counts.recordsReceived).toBe(0);
	});

	it("makes a format error of a line that is not UTF-8, and only of that line", async () => {
		const bytes = new Uint8Array([...bytesOf("u1\t24\nu\xff"), 0xff, 0xfe, ...bytesOf("\t25\nu3\t26\n")]);
		const { outcomes, tally } = await parse(bytes);
		expect(outcomes.map((o) => o.type)).toEqual(["record", "format_error", "record"]);
		expect(outcomes[1]).toMatchObject({ line: 2, problem: "invalid_utf8" });
		expect(tally.samples.formatErrors?.[0]).toMatchObject({ line: 2, why: "not valid UTF-8" });
	});

	it("survives binary junk: every line counted once, nothing thrown", async () => {
		let seed = 42;
		const junk = new Uint8Array(50_000).map(() => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed >> 23;
		});
		junk[0] = 0x41; // not the gzip magic
		const { outcomes, tally } = await parse(junk, PLAIN, { chunkSize: 999 });
		const newlines = junk.filter((b) => b === 0x0a).length;
		const lines = newlines + (junk[junk.length - 1] === 0x0a ? 0 : 1);
		expect(tally.counts.recordsReceived).toBe(lines);
		expect(outcomes.map((o) => ("line" in o ? o.line : 0))).toEqual(Array.from({ length: lines }, (_, i) => i + 1));
	});

	it("reports a 1 MB line as too long and goes on", async () => {
		const { outcomes } = await parse(bytesOf(`u1\t24\nu2\t${"1,".repeat(512 * 1024)}\nu3\t25\n`));
		expect(outcomes.map((o) => o.type)).toEqual(["record", "format_error", "record"]);
		expect(outcomes[1]).toMatchObject({
			problem: "too_long",
			text: expect.stringMatching(/^u2\t1,1,.*… \(1048579 bytes\)$/),
		});
	});

	it("counts removals in an .overwrite file as unused signals", async () => {
		const text = "u1\td_sid=24,d_unsid=28,29:-1\n";
		const overwrite = await parse(bytesOf(text), "ftp_dpm_1000_1700000000.overwrite");
		expect(overwrite.outcomes[0]).toMatchObject({ type: "record", unusedSignals: 2 });
		expect(overwrite.tally.counts).toMatchObject({ totalSignals: 3, totalUnusedSignals: 2 });
		expect(overwrite.tally.samples.unusedSignals?.[0]?.why).toBe("removal ignored in .overwrite");
		const sync = await parse(bytesOf(text));
		expect(sync.tally.counts).toMatchObject({ totalSignals: 3, totalUnusedSignals: 0 });
	});

	it("counts IDs that cannot be a UUID as invalid IDs for a UUID partner", async () => {
		const { tally } = await parse(bytesOf(`${UUID}\t24\nabc\t24\n${UUID.slice(1)}\t24\n`), PLAIN, { idType: "uuid" });
		expect(tally.counts).toMatchObject({ recordsReceived: 3, invalidIds: 2, formatErrors: 0, totalSignals: 1 });
		expect(tally.samples.invalidIds?.map((s) => s.line)).toEqual([2, 3]);
	});

	it("turns the 201st line of one user into a format error when counting users", async () => {
		const lines = `${"same\t24\n".repeat(201)}other\t25\nsame\t26\n`;
		const counted = await parse(bytesOf(lines), PLAIN, { userLines: memoryUserLineCounter() });
		expect(counted.tally.counts).toMatchObject({ recordsReceived: 203, formatErrors: 2 });
		expect(counted.tally.problems).toEqual({ too_many_lines_for_user: 2 });
		expect(counted.tally.samples.formatErrors?.map((s) => s.line)).toEqual([201, 203]);
		const uncounted = await parse(bytesOf(lines));
		expect(uncounted.tally.counts.formatErrors).toBe(0);
	});

	it("continues line numbers across split parts and merges their tallies", async () => {
		const userLines = memoryUserLineCounter();
		const a = await parse(bytesOf("u\t24\nbad\n"), "ftp_dpm_1000_1700000000.sync.1", { userLines });
		const b = await parse(bytesOf("u\t25\nbad\n"), "ftp_dpm_1000_1700000000.sync.2", { userLines, firstLine: 3 });
		expect(b.outcomes.map((o) => "line" in o && o.line)).toEqual([3, 4]);
		const merged = mergeTallies([a.tally, b.tally]);
		expect(merged.counts).toMatchObject({ recordsReceived: 4, formatErrors: 2, totalSignals: 2 });
		expect(merged.samples.formatErrors?.map((s) => s.line)).toEqual([2, 4]);
		expect(JSON.parse(JSON.stringify(merged))).toEqual(merged);
	});

	it("keeps 10 samples per kind", async () => {
		const { tally } = await parse(bytesOf("junk\n".repeat(25)));
		expect(tally.counts.formatErrors).toBe(25);
		expect(tally.samples.formatErrors).toHaveLength(10);
	});

	it("reads adobe_id rows as ID pairs", async () => {
		const { outcomes, tally } = await parse(bytesOf(`${UUID}\tv%3A1\nshort\tv2\n`), "adobe_id_0_1000_1700000000.sync");
		expect(outcomes).toMatchObject([
			{ type: "id_pair", line: 1, ids: [UUID, "v%3A1"] },
			{ type: "invalid_id", line: 2 },
		]);
		expect(tally.counts).toMatchObject({ recordsReceived: 2, invalidIds: 1, totalSignals: 0 });
	});
});

describe("broken files", () => {
	// Distinct lines so that deflate cannot shrink the file to a few bytes.
	const manyLines = bytesOf(Array.from({ length: 20_000 }, (_, i) => `user-${i * 7919}\td_sid=${i + 1}\n`).join(""));

	it("keeps the lines read before a truncated gzip ends, then reports a typed error", async () => {
		const gz = await gzip(manyLines);
		const { outcomes, tally } = await parse(gz.slice(0, gz.length >> 1), GZ, { chunkSize: 4096 });
		const last = outcomes[outcomes.length - 1];
		expect(last).toMatchObject({ type: "file_error", code: "gzip_invalid" });
		expect(tally.counts.recordsReceived).toBeGreaterThan(1000);
		expect(tally.counts.recordsReceived).toBeLessThan(20_000);
		expect(tally.fileError?.afterLine).toBe(tally.counts.recordsReceived);
		expect(outcomes.slice(0, -1).filter((o) => o.type !== "record")).toEqual([]);
	});

	it.each([
		["a cut trailer", (gz: Uint8Array) => gz.slice(0, gz.length - 3)],
		["a flipped byte", (gz: Uint8Array) => gz.map((b, i) => (i === 300 ? b ^ 0xff : b))],
		["a bad checksum", (gz: Uint8Array) => gz.map((b, i) => (i === gz.length - 6 ? b ^ 0xff : b))],
		["trailing junk", (gz: Uint8Array) => new Uint8Array([...gz, 1, 2, 3])],
	])("reports %s as gzip_invalid", async (_, damage) => {
		const { outcomes } = await parse(damage(await gzip(manyLines)), GZ, { chunkSize: 4096 });
		expect(outcomes[outcomes.length - 1]).toMatchObject({ type: "file_error", code: "gzip_invalid" });
	});

	it("reads a file of several gzip members (cat a.gz b.gz) member after member, as gunzip does", async () => {
		const a = await gzip(bytesOf("u1\t24\nu2\t2"));
		const b = await gzip(bytesOf("5\nu3\t26\n"));
		const { tally, outcomes } = await parse(new Uint8Array([...a, ...b]), GZ);
		expect(tally.fileError).toBeNull();
		expect(outcomes.map((o) => o.type === "record" && o.text)).toEqual(["u1\t24", "u2\t25", "u3\t26"]);
		// A corrupt second member is still refused, after the first member's lines.
		const bad = new Uint8Array([...a, ...b]);
		bad[a.length + 12] = (bad[a.length + 12] ?? 0) ^ 0xff;
		expect((await parse(bad, GZ)).tally.fileError).toMatchObject({ code: "gzip_invalid" });
	});

	it("reads every member wherever the reads end: at a member's last byte, inside one, one byte at a time", async () => {
		// Identical members have identical lengths, so chunks of that length end exactly at each member's end.
		const one = await gzip(bytesOf("u\t1\n"));
		const same = new Uint8Array(Array.from({ length: 40 }, () => [...one]).flat());
		const { tally: aligned, outcomes: lines } = await parse(same, GZ, { chunkSize: one.length });
		expect(aligned.fileError).toBeNull();
		expect(lines.filter((o) => o.type === "record")).toHaveLength(40);
		const members = await Promise.all(Array.from({ length: 40 }, (_, i) => gzip(bytesOf(`u${i}\t${i + 1}\n`))));
		const file = new Uint8Array(members.flatMap((m) => [...m]));
		const expected = members.map((_, i) => `u${i}\t${i + 1}`);
		for (const chunkSize of [1, 7, 8_192, 64 * 1024]) {
			const { tally, outcomes } = await parse(file, GZ, { chunkSize });
			expect(tally.fileError, `chunks of ${chunkSize}`).toBeNull();
			expect(
				outcomes.map((o) => o.type === "record" && o.text),
				`chunks of ${chunkSize}`,
			).toEqual(expected);
		}
		// Zero padding after the last member (and between members) is skipped, as gunzip does.
		const padded = new Uint8Array([...(members[0] ?? []), 0, 0, 0, ...(members[1] ?? []), 0, 0]);
		const { tally, outcomes } = await parse(padded, GZ, { chunkSize: 3 });
		expect(tally.fileError).toBeNull();
		expect(outcomes.map((o) => o.type === "record" && o.text)).toEqual(["u0\t1", "u1\t2"]);
	});

	it("refuses content whose compression disagrees with the name", async () => {
		expect((await parse(bytesOf("u\t24\n"), GZ)).tally.fileError).toMatchObject({ code: "not_gzip", afterLine: 0 });
		expect((await parse(new Uint8Array(0), GZ)).tally.fileError).toMatchObject({ code: "not_gzip" });
		const gz = await gzip(bytesOf("u\t24\n"));
		const { outcomes } = await parse(gz, PLAIN);
		expect(outcomes).toEqual([
			{ type: "file_error", code: "unexpected_gzip", message: expect.any(String), afterLine: 0, refused: false },
		]);
	});

	it.each([PLAIN, GZ])(
		"throws a failing read of %s (the source's failure, not the file's) after the lines read",
		async (file) => {
			const content = file === GZ ? await gzip(manyLines) : manyLines;
			let sent = 0;
			const body = new ReadableStream<Uint8Array>({
				pull(controller) {
					if (sent >= 4) return controller.error(new Error("connection reset"));
					controller.enqueue(content.slice(sent * 8192, ++sent * 8192));
				},
			});
			const outcomes: InboundOutcome[] = [];
			const reading = (async () => {
				for await (const o of parseInboundFile(body, { name: nameOf(file), idType: "partner" })) outcomes.push(o);
			})();
			const failure = await reading.then(
				() => null,
				(err: unknown) => err,
			);
			expect(failure).toBeInstanceOf(SourceReadError);
			expect(String(failure)).toContain("reading the file failed: connection reset");
			// The lines read before it were handed on, and no outcome says the file was damaged or cut.
			expect(outcomes.length).toBeGreaterThan(0);
			expect(outcomes.every((o) => o.type === "record")).toBe(true);
		},
	);

	it("cancels the source when the reader stops early", async () => {
		let cancelled = false;
		const body = new ReadableStream<Uint8Array>({
			pull: (controller) => controller.enqueue(bytesOf("u\t24\n".repeat(100))),
			cancel: () => {
				cancelled = true;
			},
		});
		for await (const o of parseInboundFile(body, { name: nameOf(PLAIN), idType: "partner" })) {
			if ("line" in o && o.line === 150) break;
		}
		expect(cancelled).toBe(true);
	});
});

describe("memory user-line counter", () => {
	it("counts exactly up to its bound, then only consecutive lines, and says so", () => {
		const counter = memoryUserLineCounter(2);
		expect(["a", "b", "a"].map((u) => counter.next(u))).toEqual([1, 1, 2]);
		expect(counter.exact).toBe(true);
		expect(["c", "c", "c", "d", "c"].map((u) => counter.next(u))).toEqual([1, 2, 3, 1, 1]);
		expect(counter.exact).toBe(false);
		expect(counter.next("a")).toBe(3);
	});
});

describe("batches stay bounded whatever a layer hands on at once", () => {
	it("a 6 MiB chunk of lines (as one BZip2 block inside PGP makes) comes out about 1 MiB of lines a batch, every line once", async () => {
		const line = "user-0000000000\t1,2,3\n"; // 22 bytes
		const count = Math.ceil((6 * 2 ** 20) / line.length);
		const body = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(bytesOf(line.repeat(count)));
				controller.close();
			},
		});
		const batches: number[] = [];
		for await (const batch of parseInboundFileInBatches(body, {
			name: nameOf("ftp_dpm_1000_1790000000.sync"),
			idType: "partner",
		})) {
			batches.push(batch.length);
		}
		expect(batches.reduce((a, b) => a + b, 0)).toBe(count);
		expect(batches.length).toBeGreaterThanOrEqual(6);
		expect(Math.max(...batches)).toBeLessThanOrEqual(Math.ceil(2 ** 20 / line.length) + 1);
	});
});

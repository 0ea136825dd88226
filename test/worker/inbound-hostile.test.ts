// The cost of hostile inbound lines and files (issue 11): parsing is linear in what a line holds, the
// caps bound what a line or a file can make the edge read (gzip's compressed bytes included), and rule
// matching follows the line's keys.
// Work is counted (characters examined, rules tried), never timed: bench/hostile.ts measures speed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	countOutcome,
	emptyTally,
	type InboundFileName,
	type InboundOutcome,
	type ParseFileOptions,
	parseInboundFile,
	parseInboundFileName,
	parseTraitLine,
	readSignals,
	SignalItems,
} from "../../batch/inbound/parse";
import { type LineSignal, realize } from "../../batch/inbound/realize";
import { catalogOf } from "../../batch/traits/catalog";
import { ruleMatches } from "../../batch/traits/rule";
import type { Trait } from "../../batch/traits/schema";
import { streamOf } from "./support/streams";

/** The item ends of a signal list as the parser walks them. */
function itemsOf(list: string): { ends: Array<[number, boolean]>; charsRead: number } {
	const items = new SignalItems(list);
	const ends: Array<[number, boolean]> = [];
	for (let at = 0; at <= list.length; ) {
		const end = items.endOf(at);
		ends.push([end.index, end.unterminated]);
		at = end.index + 1;
	}
	return { ends, charsRead: items.charsRead };
}

/** The segmentation before issue 11, kept as the reference: the same answers, quadratic on unclosed quotes. */
function referenceEnds(list: string): Array<[number, boolean]> {
	const ends: Array<[number, boolean]> = [];
	for (let at = 0; at <= list.length; ) {
		let quoted = false;
		let end: [number, boolean] | null = null;
		for (let i = at; i < list.length && !end; i++) {
			const c = list[i];
			if (quoted && c === "\\") i++;
			else if (c === '"') quoted = !quoted;
			else if (c === "," && !quoted) end = [i, false];
		}
		if (!end) {
			const comma = list.indexOf(",", at);
			end = !quoted ? [list.length, false] : [comma === -1 ? list.length : comma, true];
		}
		ends.push(end);
		at = end[0] + 1;
	}
	return ends;
}

const LINE = 102_400;
/** Signal lists that fill a 100 KB line with one hostile pattern. */
const HOSTILE: Record<string, string> = {
	"unclosed quotes with escapes": '"\\",'.repeat(LINE / 4),
	"a quote opening every item": '"a,'.repeat(LINE / 3),
	"one quote, then commas": `"${",".repeat(LINE - 1)}`,
	"escapes only": "\\".repeat(LINE),
	"quotes only (odd)": '"'.repeat(LINE - 1),
	"commas only": ",".repeat(LINE),
	"equals signs only": "=".repeat(LINE),
	"spaces only": " ".repeat(LINE),
	"one key repeated": "a=1,".repeat(LINE / 4),
	"d_sid repeated": "d_sid=1,".repeat(LINE / 8),
	"one-digit trait ids": "1,".repeat(LINE / 2),
	"quoted key, no value": '"k" = ,'.repeat(LINE / 7),
	"bare key, spaces, no =": `a${" ".repeat(LINE - 2)}b`,
};

describe("signal lists: linear in their length", () => {
	it.each(Object.entries(HOSTILE))("%s: every character is examined at most three times", (_, list) => {
		const { ends, charsRead } = itemsOf(list);
		expect(charsRead).toBeLessThanOrEqual(3 * list.length);
		expect(ends.at(-1)?.[0]).toBe(list.length);
	});

	it("cuts items exactly as before, on any mix of quotes, escapes, commas and spaces", () => {
		fc.assert(
			fc.property(fc.string({ unit: fc.constantFrom('"', "\\", ",", "a", " ", "="), maxLength: 300 }), (list) => {
				const { ends, charsRead } = itemsOf(list);
				expect(ends).toEqual(referenceEnds(list));
				expect(charsRead).toBeLessThanOrEqual(3 * list.length);
			}),
			{ numRuns: 2_000 },
		);
	});

	it("reads the hostile lines to the right result", () => {
		const unclosed = readSignals(HOSTILE["unclosed quotes with escapes"] ?? "", Number.POSITIVE_INFINITY);
		expect(unclosed.signals).toHaveLength(LINE / 4);
		expect(new Set(unclosed.signals.map((s) => JSON.stringify(s)))).toEqual(
			new Set([JSON.stringify({ kind: "unusable", text: '"\\"' })]),
		);
		expect(readSignals(HOSTILE["commas only"] ?? "", 10).signals).toEqual([]);
		expect(readSignals(HOSTILE["spaces only"] ?? "", 10)).toEqual({ signals: [], overCap: 0 });
		expect(readSignals(HOSTILE["equals signs only"] ?? "", 10).signals).toEqual([
			{ kind: "unusable", text: "=".repeat(LINE) },
		]);
		expect(parseTraitLine(`u\t${HOSTILE["one quote, then commas"]}`, "partner")).toEqual({
			ok: false,
			problem: "no_valid_signals",
		});
	});
});

describe("the per-line signal cap", () => {
	it("reads the first signals and counts the rest exactly, without parsing them", () => {
		const list = HOSTILE["one-digit trait ids"] ?? "";
		const { signals, overCap } = readSignals(list, 10_000);
		expect(signals).toHaveLength(10_000);
		expect(signals[0]).toEqual({ kind: "add", bare: true, traitId: 1 });
		expect(overCap).toBe(LINE / 2 - 10_000);
	});

	it("counts only real items past the cap: empty ones and spaces are not signals", () => {
		expect(readSignals('24, 25 ,, ,"a,b"=c , x=1,', 2)).toEqual({
			signals: [
				{ kind: "add", bare: true, traitId: 24 },
				{ kind: "add", bare: true, traitId: 25 },
			],
			overCap: 2,
		});
		expect(readSignals("24,25", 2).overCap).toBe(0);
	});

	it("a line whose read signals are all unusable is a format error, whatever comes after the cap", () => {
		expect(parseTraitLine("u\t???,24,25", "partner", 1)).toEqual({ ok: false, problem: "no_valid_signals" });
		expect(parseTraitLine("u\t24,???,25", "partner", 1)).toMatchObject({ ok: true, signalsOverCap: 2 });
	});
});

const traitOf = (id: number, rule: string | null): Trait => ({
	id,
	dpid: 1000,
	name: `t${id}`,
	rule,
	exactMatch: false,
	createdAt: 0,
	updatedAt: 0,
});

describe("key-value rules: the work per line follows the line's keys", () => {
	// 1,000 rules on keys no line below carries, 200 on key b, one on key a.
	const catalog = catalogOf([
		...Array.from({ length: 1_000 }, (_, i) => traitOf(10_000 + i, `k${i} == "1"`)),
		...Array.from({ length: 200 }, (_, i) => traitOf(20_000 + i, `b == "${i}" AND a != "x"`)),
		traitOf(52, 'a == "1"'),
	]);
	const repeated = (key: string, n: number, value = (_: number) => "1"): LineSignal[] =>
		Array.from({ length: n }, (_, i) => ({ kind: "kv", key, value: value(i) }));

	it("50,000 repeats of one key try the one rule that names it, once", () => {
		const r = realize(repeated("a", 50_000), catalog, "sync");
		expect(r.rulesTried).toBe(1);
		expect([...r.adds]).toEqual([52]);
		expect(r).toMatchObject({ signals: 50_000, unused: 0 });
	});

	it("50,000 distinct values of one key cost the same rules as one value", () => {
		const one = realize(repeated("b", 1), catalog, "sync");
		const many = realize([...repeated("b", 50_000, String), ...repeated("a", 1)], catalog, "sync");
		expect(one.rulesTried).toBe(200);
		expect(many.rulesTried).toBe(201);
		expect(many.adds.size).toBe(201);
	});

	it("keys no rule names try no rule and are unused", () => {
		const r = realize(repeated("nobody", 50_000), catalog, "sync");
		expect(r).toMatchObject({ rulesTried: 0, unused: 50_000 });
	});

	it("realizes exactly the rules that hold, as evaluating every rule would", () => {
		const key = fc.constantFrom("a", "b", "c");
		const value = fc.constantFrom("1", "2");
		const comparison = fc.tuple(key, fc.constantFrom("==", "!="), value).map(([k, op, v]) => `${k} ${op} "${v}"`);
		const rule = fc
			.array(fc.array(comparison, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
			.map((groups) => groups.map((g) => g.join(" AND ")).join(" OR "));
		fc.assert(
			fc.property(
				fc.array(rule, { minLength: 1, maxLength: 8 }),
				fc.array(fc.tuple(key, value), { maxLength: 8 }),
				(rules, pairs) => {
					const cat = catalogOf(rules.map((r, i) => traitOf(i + 1, r)));
					const signals: LineSignal[] = pairs.map(([k, v]) => ({ kind: "kv", key: k, value: v }));
					const values = new Map<string, Set<string>>();
					for (const [k, v] of pairs) values.set(k, (values.get(k) ?? new Set()).add(v));
					const expected = cat.rules.filter((r) => ruleMatches(r.rule, values)).map((r) => r.id);
					expect([...realize(signals, cat, "sync").adds].sort((x, y) => x - y)).toEqual(expected);
				},
			),
		);
	});
});

/** `bytes` in chunks of `chunkBytes`, counting what the parser pulled. */
function counted(bytes: Uint8Array, chunkBytes = 4_096): { body: ReadableStream<Uint8Array>; consumed: () => number } {
	let consumed = 0;
	const body = streamOf(bytes, chunkBytes).pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				consumed += chunk.length;
				controller.enqueue(chunk);
			},
		}),
	);
	return { body, consumed: () => consumed };
}

describe("gzip that makes little or no content: its cost bounded per compressed byte", () => {
	/** The rules, stated here rather than read from the code under test (core/inbound-limits.ts). */
	const FREE_MEMBERS = 1_000;
	const CONTENT_PER_MEMBER = 4_096;
	const OVERHEAD = 2 ** 20;

	const repeat = (member: Uint8Array, times: number) => {
		const out = new Uint8Array(member.length * times);
		for (let i = 0; i < times; i++) out.set(member, i * member.length);
		return out;
	};

	it("a file of empty gzip members (20 bytes, no content) stops at member 1,001, its rest unread", async () => {
		const empty = await gzip(new Uint8Array(0));
		expect(empty.length).toBe(20);
		// 1 MiB of them cost about 370 ms of CPU; 1 GiB outlasted the split step's 300 s cap on every retry.
		const file = repeat(empty, 52_428);
		const { body, consumed } = counted(file);
		const outcomes = await parseAll(body, { name: GZ, idType: "partner" });
		expect(outcomes).toEqual([
			{
				type: "file_error",
				code: "gzip_members",
				message: `too many gzip members: member 1001 after 0 bytes of content (at most ${FREE_MEMBERS}, then 1 per ${CONTENT_PER_MEMBER} bytes); rest not read: gzip it as one stream`,
				afterLine: 0,
				refused: false,
			},
		]);
		expect(consumed()).toBeLessThanOrEqual((FREE_MEMBERS + 1) * 20 + 4_096);
	});

	it("members of one byte each stop the same way, after the lines they made", async () => {
		const member = await gzip(new TextEncoder().encode("u"));
		const lineMembers = await Promise.all(["u", "\t", "1", "\n"].map((b) => gzip(new TextEncoder().encode(b))));
		const oneLine = new Uint8Array(lineMembers.flatMap((m) => [...m]));
		// 250 lines of four one-byte members, then one-byte members without end.
		const file = new Uint8Array([...repeat(oneLine, 250), ...repeat(member, 10_000)]);
		const outcomes = await parseAll(counted(file).body, { name: GZ, idType: "partner" });
		expect(outcomes.filter((o) => o.type === "record")).toHaveLength(250);
		expect(outcomes.at(-1)).toMatchObject({ type: "file_error", code: "gzip_members", afterLine: 250 });
	});

	it("reads the multi-member files real tools make: cat of 1,000 files, then members paid for by content", async () => {
		// 1,000 files concatenated (`cat *.gz`), whatever their size; empty ones included.
		const empty = await gzip(new Uint8Array(0));
		const one = await gzip(new TextEncoder().encode("u\t1\n"));
		const cat = new Uint8Array([...repeat(empty, 500), ...repeat(one, 500)]);
		const catOutcomes = await parseAll(counted(cat).body, { name: GZ, idType: "partner" });
		expect(catOutcomes.map((o) => o.type)).toEqual(Array(500).fill("record"));
		// Past the first 1,000, a member per 4 KiB of content (bgzip makes one per 64 KiB, pigz one in all).
		const lines = Array.from({ length: 64 }, (_, i) => `user-${String(i).padStart(4, "0")}\t${"1,".repeat(26)}1`);
		const content = new TextEncoder().encode(`${lines.join("\n")}\n`);
		expect(content.length).toBe(CONTENT_PER_MEMBER);
		const file = repeat(await gzip(content), 1_500);
		const outcomes = await parseAll(counted(file).body, { name: GZ, idType: "partner" });
		expect(outcomes.filter((o) => o.type === "record")).toHaveLength(64 * 1_500);
		expect(outcomes.filter((o) => o.type !== "record")).toEqual([]);
	});

	it("empty deflate blocks or zero padding, content-free: read to 1 MiB past the content, then a file error", async () => {
		const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
		// Stored blocks of no bytes (not final): 5 bytes each, nothing out; then the final block and trailer.
		const emptyBlocks = repeat(new Uint8Array([0, 0, 0, 0xff, 0xff]), 400_000);
		const blocks = new Uint8Array([...header, ...emptyBlocks, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		const padding = new Uint8Array([
			...(await gzip(new TextEncoder().encode("u\t1\n"))),
			...new Uint8Array(3 * OVERHEAD),
		]);
		for (const file of [blocks, padding]) {
			const { body, consumed } = counted(file);
			const outcomes = await parseAll(body, { name: GZ, idType: "partner" });
			expect(outcomes.at(-1)).toMatchObject({
				type: "file_error",
				code: "gzip_overhead",
				message: expect.stringMatching(
					/^gzip without content: \d+ compressed bytes made [04] bytes \(at most 1048576 more\); rest not read/,
				),
			});
			expect(consumed()).toBeLessThanOrEqual(OVERHEAD + 4 + 8_192 + 4_096);
		}
	});
});

function nameOf(name: string): InboundFileName {
	const parsed = parseInboundFileName(name);
	if ("error" in parsed) throw new Error(parsed.error);
	return parsed;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
	const compressed = streamOf(bytes).pipeThrough(new CompressionStream("gzip"));
	return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/** A body that never ends, repeating `line`; says how much it produced and whether it was cancelled. */
function endless(line: string): { body: ReadableStream<Uint8Array>; produced: () => number; cancelled: () => boolean } {
	const chunk = new TextEncoder().encode(line.repeat(Math.ceil(16_384 / line.length)));
	let produced = 0;
	let cancelled = false;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			produced += chunk.length;
			controller.enqueue(chunk.slice());
		},
		cancel() {
			cancelled = true;
		},
	});
	return { body, produced: () => produced, cancelled: () => cancelled };
}

async function parseAll(body: ReadableStream<Uint8Array>, options: ParseFileOptions): Promise<InboundOutcome[]> {
	const out: InboundOutcome[] = [];
	for await (const o of parseInboundFile(body, options)) out.push(o);
	return out;
}

const PLAIN = nameOf("ftp_dpm_1000_1700000000.sync");
const GZ = nameOf("ftp_dpm_1000_1700000000.sync.gz");

describe("the per-file size cap", () => {
	const text = new TextEncoder().encode("u1\t1\nu2\t2\nu3\t3\n"); // lines of 5 bytes

	it.each([1, 3, 5, 64])(
		"reads the lines that end within the cap, in %i-byte chunks, and says where it stopped",
		async (size) => {
			const outcomes = await parseAll(streamOf(text, size), { name: PLAIN, idType: "partner", maxFileBytes: 12 });
			expect(outcomes.map((o) => (o.type === "record" ? o.userId : o))).toEqual([
				"u1",
				"u2",
				{ type: "file_cut", afterLine: 2, bytesRead: 10, maxBytes: 12 },
			]);
		},
	);

	it("a cap on a line end reads that line; a file no longer than the cap is read whole", async () => {
		const atEnd = await parseAll(streamOf(text, 4), { name: PLAIN, idType: "partner", maxFileBytes: 10 });
		expect(atEnd.at(-1)).toEqual({ type: "file_cut", afterLine: 2, bytesRead: 10, maxBytes: 10 });
		const whole = await parseAll(streamOf(text.subarray(0, 14), 4), {
			name: PLAIN,
			idType: "partner",
			maxFileBytes: 14,
		});
		expect(whole.map((o) => o.type)).toEqual(["record", "record", "record"]);
	});

	it("numbers the cut from the delivery's first line, and counts it in the tally", async () => {
		const tally = emptyTally();
		const options = { name: PLAIN, idType: "partner" as const, maxFileBytes: 7, firstLine: 101 };
		for (const o of await parseAll(streamOf(text, 64), options)) countOutcome(tally, o);
		expect(tally.counts.recordsReceived).toBe(1);
		expect(tally.fileCut).toEqual({ afterLine: 101, bytesRead: 5, maxBytes: 7 });
	});

	it("stops reading a never-ending plain file at the cap and cancels it", async () => {
		const source = endless("u\td_sid=1\n");
		const outcomes = await parseAll(source.body, { name: PLAIN, idType: "partner", maxFileBytes: 1_000_000 });
		expect(outcomes.at(-1)).toEqual({
			type: "file_cut",
			afterLine: 100_000,
			bytesRead: 1_000_000,
			maxBytes: 1_000_000,
		});
		expect(outcomes).toHaveLength(100_001);
		expect(source.cancelled()).toBe(true);
		expect(source.produced()).toBeLessThan(1_000_000 + 4 * 16_384);
	});

	it("stops gunzipping a never-ending gzip stream at the cap (a gzip bomb costs the cap, not its size)", async () => {
		const source = endless("u\td_sid=1\n");
		const body = source.body.pipeThrough(new CompressionStream("gzip"));
		const outcomes = await parseAll(body, { name: GZ, idType: "partner", maxFileBytes: 2_000_000 });
		expect(outcomes.at(-1)).toEqual({
			type: "file_cut",
			afterLine: 200_000,
			bytesRead: 2_000_000,
			maxBytes: 2_000_000,
		});
		expect(outcomes.filter((o) => o.type === "record")).toHaveLength(200_000);
	});

	it("reads a gzip bomb's compressed bytes only as far as the cap needs", async () => {
		const source = endless("u\td_sid=1\n");
		const reader = source.body.getReader();
		const bytes32MB = new ReadableStream<Uint8Array>({
			async pull(controller) {
				const { value } = await reader.read();
				if (value) controller.enqueue(value);
				if (source.produced() >= 32 * 2 ** 20) controller.close();
			},
		});
		const bomb = new Uint8Array(await new Response(bytes32MB.pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
		const source32MB = counted(bomb, 1_024);
		const outcomes = await parseAll(source32MB.body, { name: GZ, idType: "partner", maxFileBytes: 2 ** 20 });
		expect(outcomes.at(-1)).toMatchObject({ type: "file_cut", bytesRead: 2 ** 20 - 6 });
		// 1 MiB of 32 MiB: a small share of the compressed file is read, the rest is cancelled unread.
		expect(source32MB.consumed()).toBeLessThan(bomb.length / 4);
	});

	it("caps signals per line in a file, counted per line and in the tally", async () => {
		const file = new TextEncoder().encode(`u1\t${"1,".repeat(12)}\nu2\t24\n`);
		const tally = emptyTally();
		const outcomes = await parseAll(streamOf(file, 64), { name: PLAIN, idType: "partner", maxSignalsPerLine: 5 });
		for (const o of outcomes) countOutcome(tally, o);
		expect(outcomes.map((o) => o.type === "record" && [o.signals.length, o.signalsOverCap])).toEqual([
			[5, 7],
			[1, 0],
		]);
		expect(tally.counts).toMatchObject({ totalSignals: 6, signalsOverCap: 7 });
		expect(tally.samples.signalsOverCap).toEqual([
			{ line: 1, why: "7 signals after the first 5 not read", text: `u1\t${"1,".repeat(12)}` },
		]);
	});
});

// Hostile inbound lines (issue 11): lines/s of the most hostile line shapes against well-formed lines of
// the same length, through the Worker's own per-line code path run in Node: parseInboundFile over a
// stream in 64 KiB chunks (splitting, UTF-8, the line and signal parsers, the signal cap), the split
// step's JSON for the chunk object, and the apply step's JSON.parse + realize against a catalog with
// 1,000 key-value rules. D1 and R2 are left out: their cost per line does not depend on its shape.
// The headline: worst hostile lines/s ÷ normal lines/s, which must stay ≥ 0.5.
//
// BENCH_PARSER_ROOT=<dir> runs the same measurement against another checkout's batch/ (e.g. the code
// before issue 11, to show what the fixes changed); BENCH_HOSTILE_LINES sets the lines per shape.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { registerLocalImports } from "../batch/cli/local-imports.ts";
import { streamOf } from "./lib/stream.ts";

const LINE_BYTES = 102_400;
const LINES = Number(process.env.BENCH_HOSTILE_LINES ?? 100);
const ROUNDS = 3;
const MIN_RATIO = 0.5;

/** The few parts of the edge's modules this bench calls (imported at run time, see the header). */
interface Signal {
	kind: string;
}
interface Outcome {
	type: string;
	line?: number;
	userId?: string;
	signals?: Signal[];
	text?: string;
}
interface ParseModule {
	parseInboundFileName(name: string): object;
	parseInboundFile(body: ReadableStream<Uint8Array>, options: object): AsyncIterable<Outcome>;
}
interface Trait {
	id: number;
	dpid: number;
	name: string;
	rule: string | null;
	createdAt: number;
	updatedAt: number;
}
interface TraitsModule {
	catalogOf(traits: Trait[]): object;
}
interface RealizeModule {
	realize(signals: Signal[], catalog: object, mode: "sync"): { adds: Set<number> };
}

/**
 * A line of exactly `total` bytes: `user<TAB>`, then whole tokens, then spaces. Spaces, not a cut
 * token: half a token could end the pattern (a last `"` closes every quote left open).
 */
function fill(user: string, tokens: (i: number) => string, total = LINE_BYTES): string {
	const room = total - user.length - 1;
	let list = "";
	for (let i = 0; ; i++) {
		const token = tokens(i);
		if (list.length + token.length > room) break;
		list += token;
	}
	return `${user}\t${list}${" ".repeat(room - list.length)}`;
}

const NORMAL = "normal: d_sid signals and key-values";
const SHAPES: Record<string, (user: string) => string> = {
	[NORMAL]: (u) => fill(u, (i) => (i % 50 === 0 ? "ic=52," : `d_sid=${1000 + (i % 1000)},`)),
	'unclosed quotes ("\\", repeated)': (u) => fill(u, () => '"\\",'),
	"one key repeated (a=1,)": (u) => fill(u, () => "a=1,"),
	"one trait repeated (d_sid=1000,)": (u) => fill(u, () => "d_sid=1000,"),
	"distinct keys, each in a rule (kN=1,)": (u) => fill(u, (i) => `k${i % 1000}=1,`),
	"one-digit signals past the cap (1,)": (u) => fill(u, () => "1,"),
	"commas only": (u) => fill(u, () => ","),
	"spaces only": (u) => fill(u, () => " "),
	"equals signs only": (u) => fill(u, () => "="),
	"tabs (a second column)": (u) => fill(u, () => "\t"),
	"one byte over the line limit": (u) => fill(u, () => "d_sid=1000,", LINE_BYTES + 1),
	"invalid UTF-8 at the end": (u) => `${fill(u, () => "d_sid=1000,").slice(0, -1)}\u0000`,
};

function fileOf(shape: (user: string) => string): Uint8Array {
	const lines: string[] = [];
	for (let i = 0; i < LINES; i++) lines.push(shape(`u${i % 1_000}`));
	const bytes = new TextEncoder().encode(`${lines.join("\n")}\n`);
	// The last line of "invalid UTF-8": a NUL placeholder becomes a lone continuation byte.
	for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 0x80;
	return bytes;
}

interface Edge {
	parse: ParseModule;
	catalog: object;
	realize: RealizeModule["realize"];
}

async function loadEdge(root: string): Promise<Edge> {
	registerLocalImports();
	const parse = (await import(`${root}/batch/inbound/parse/index.ts`)) as ParseModule;
	// The catalog had its own module from issue 12 on; older checkouts kept it with the traits' SQL.
	const catalogModule = existsSync(`${root}/batch/traits/catalog.ts`) ? "catalog" : "queries";
	const traits = (await import(`${root}/batch/traits/${catalogModule}.ts`)) as TraitsModule;
	const { realize } = (await import(`${root}/batch/inbound/realize.ts`)) as RealizeModule;
	const trait = (id: number, rule: string | null): Trait => ({
		id,
		dpid: 1000,
		name: `t${id}`,
		rule,
		createdAt: 0,
		updatedAt: 0,
	});
	const catalog = traits.catalogOf([
		...Array.from({ length: 1_000 }, (_, i) => trait(1_000 + i, null)),
		...Array.from({ length: 1_000 }, (_, i) => trait(10_000 + i, `k${i} == "1"`)),
		trait(52, 'ic == "52"'),
		trait(53, 'a == "1"'),
	]);
	return { parse, catalog, realize };
}

/** One pass over the file: the split step's work per line, then the apply step's. */
async function pass(edge: Edge, bytes: Uint8Array): Promise<{ seconds: number; lines: number; realized: number }> {
	const name = edge.parse.parseInboundFileName("ftp_dpm_1000_1790000000.sync");
	const t0 = performance.now();
	let lines = 0;
	let realized = 0;
	for await (const o of edge.parse.parseInboundFile(streamOf(bytes), { name, idType: "partner" })) {
		lines++;
		if (o.type !== "record") continue;
		const stored = JSON.stringify({ n: o.line, u: o.userId, s: o.signals, t: o.text?.slice(0, 200) });
		const { s } = JSON.parse(stored) as { s: Signal[] };
		realized += edge.realize(s, edge.catalog, "sync").adds.size;
	}
	return { seconds: (performance.now() - t0) / 1000, lines, realized };
}

async function rate(edge: Edge, bytes: Uint8Array, expected = LINES): Promise<number> {
	const { seconds, lines } = await pass(edge, bytes);
	if (lines !== expected) throw new Error(`read ${lines} lines, expected ${expected}`);
	return lines / seconds;
}

/** The line of bench/inbound.ts: a user ID and two trait signals. */
function shortLines(lines: number): { bytes: Uint8Array; lines: number } {
	const text: string[] = [];
	for (let i = 0; i < lines; i++) text.push(`p${i}\td_sid=${1000 + (i % 20)},d_sid=${1000 + ((i * 7) % 20)}\n`);
	return { bytes: new TextEncoder().encode(text.join("")), lines };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Normal and hostile rounds alternate, and each shape is compared with the normal rounds run beside it:
 * on a shared machine the load drifts between shapes, not within a pair of rounds.
 */
async function compare(
	edge: Edge,
	normal: Uint8Array,
	hostile: Uint8Array,
): Promise<{ normal: number; hostile: number }> {
	const normals: number[] = [];
	const hostiles: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		normals.push(await rate(edge, normal));
		hostiles.push(await rate(edge, hostile));
	}
	return { normal: median(normals), hostile: median(hostiles) };
}

export async function benchHostile(): Promise<void> {
	const root = resolve(process.env.BENCH_PARSER_ROOT ?? resolve(import.meta.dirname, ".."));
	const edge = await loadEdge(root);
	const fmt = (n: number) => (n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString("en-US"));
	const times = (r: number) => (r < 0.1 ? r.toPrecision(2) : r.toFixed(2));
	const mb = (linesPerSecond: number) => ((linesPerSecond * LINE_BYTES) / 2 ** 20).toFixed(1);
	console.log(
		`\nHostile inbound lines: ${LINES} lines of ${LINE_BYTES.toLocaleString("en-US")} bytes per shape, parse → chunk JSON → realize (1,000 rules), Node; median of ${ROUNDS} rounds, alternating with normal rounds`,
	);
	if (process.env.BENCH_PARSER_ROOT) console.log(`  (parser from ${root})`);
	console.log(
		`  ${"shape".padEnd(42)} ${"lines/s".padStart(8)} ${"MB/s".padStart(7)}   ${"normal beside it".padStart(16)}  ÷ normal`,
	);
	const normalFile = fileOf(SHAPES[NORMAL] ?? String);
	const normals: number[] = [];
	let worst = { name: "", ratio: Number.POSITIVE_INFINITY };
	for (const [name, shape] of Object.entries(SHAPES)) {
		if (name === NORMAL) continue;
		const r = await compare(edge, normalFile, fileOf(shape));
		normals.push(r.normal);
		const ratio = r.hostile / r.normal;
		if (ratio < worst.ratio) worst = { name, ratio };
		console.log(
			`  ${name.padEnd(42)} ${fmt(r.hostile).padStart(8)} ${mb(r.hostile).padStart(7)}   ${`${fmt(r.normal)} lines/s`.padStart(16)}  ${times(ratio)}`,
		);
	}
	const normal = median(normals);
	console.log(
		`  ${NORMAL.padEnd(42)} ${fmt(normal).padStart(8)} ${mb(normal).padStart(7)}   (median of all its rounds)`,
	);
	// Context for the size cap: what a file of the common short lines (inbound.ts's) costs per MB.
	const short = shortLines(LINES * 4_000);
	const shortRate = median([await rate(edge, short.bytes, short.lines), await rate(edge, short.bytes, short.lines)]);
	const shortMb = (shortRate * short.bytes.length) / short.lines / 2 ** 20;
	console.log(
		`  for scale, short lines (${Math.round(short.bytes.length / short.lines)} bytes, 2 signals): ${fmt(shortRate)} lines/s, ${shortMb.toFixed(1)} MB/s`,
	);
	console.log(
		`  worst / normal: ${times(worst.ratio)} (${worst.name}); target ≥ ${MIN_RATIO}: ${worst.ratio >= MIN_RATIO ? "met" : "NOT MET"}`,
	);
}

if (import.meta.main) await benchHostile();

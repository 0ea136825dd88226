// The inbound design projected to AAM-sized deliveries: how many Workflow steps, pieces, reads per group
// step and how much instance state a delivery of N lines needs, computed with the edge's own modules
// (the parser, the piece format, the group planner and the defaults) for lines shaped like the inbound
// bench's, and printed against the Workflow limits. No edge runs: this is arithmetic on the design, to
// read beside the measured runs of bench/inbound.ts. One figure is measured: the split step's CPU per
// line (the edge's parser, routing and piece code run in Node over a gzip stream), projected to a file
// of the largest size taken, against the CPU a step may use.
import { gzipSync } from "node:zlib";
import { registerLocalImports } from "../batch/cli/local-imports.ts";
import { line } from "./inbound.ts";
import { STEP_CPU_MS, SUBREQUESTS, WORKFLOW } from "./lib/limits.ts";
import { streamOf } from "./lib/stream.ts";

registerLocalImports();
const root = import.meta.dirname;
/** The few parts of the edge's modules this script calls (imported at run time, as hostile.ts does). */
interface LineModule {
	parseTraitLine(text: string, idType: "partner"): { ok: true; userId: string; signals: unknown[] } | { ok: false };
}
interface PieceLineModule {
	encodeTraitLine(line: { n: number; u: string; s: unknown[]; t: string }): string;
}
interface Outcome {
	type: string;
	line: number;
	userId: string;
	signals: unknown[];
	text: string;
}
interface ParseModule {
	parseInboundFileName(name: string): object;
	parseInboundFileInBatches(body: ReadableStream<Uint8Array>, options: object): AsyncIterable<Outcome[]>;
}
interface SplitModules {
	buildPiece(lines: Array<{ bucket: number; json: string }>): unknown;
	bucketOfLine(route: { kind: "partner_id"; dpid: number }, userId: string): number;
}
interface PlanModule {
	planGroups(bucketLines: readonly number[], linesPerGroup: number): Array<{ lines: number }>;
}
interface LimitsModule {
	DEFAULT_PIECE_BYTES: number;
	DEFAULT_LINES_PER_GROUP: number;
	DEFAULT_MAX_FILE_BYTES: number;
}
const { parseTraitLine } = (await import(`${root}/../batch/inbound/parse/line.ts`)) as LineModule;
const { encodeTraitLine } = (await import(`${root}/../batch/inbound/groups/piece-line.ts`)) as PieceLineModule;
const parse = (await import(`${root}/../batch/inbound/parse/index.ts`)) as ParseModule;
const split: SplitModules = {
	...((await import(`${root}/../batch/inbound/groups/piece.ts`)) as Pick<SplitModules, "buildPiece">),
	...((await import(`${root}/../batch/inbound/groups/route.ts`)) as Pick<SplitModules, "bucketOfLine">),
};
const { planGroups } = (await import(`${root}/../batch/inbound/groups/plan.ts`)) as PlanModule;
const limits = (await import(`${root}/../core/inbound-limits.ts`)) as LimitsModule;

/** The steps every delivery takes besides its files and groups: start, plan groups, plan waves, receipt, move, e-mail. */
const FIXED_STEPS = 6;
const BUCKETS = 4096;
const VISITOR_SHARDS = 512;

const benchLine = (i: number) => line(i).trimEnd();

/** Bytes of one line in the file and in a piece, averaged over a sample of the bench's lines. */
function lineBytes(): { file: number; piece: number } {
	let file = 0;
	let piece = 0;
	const sample = 10_000;
	for (let i = 0; i < sample; i++) {
		const text = benchLine(5_000_000 + i);
		const parsed = parseTraitLine(text, "partner");
		if (!parsed.ok) throw new Error(`bench line ${text} does not parse`);
		file += text.length + 1;
		piece += encodeTraitLine({ n: 5_000_000 + i, u: parsed.userId, s: parsed.signals, t: text }).length + 1;
	}
	return { file: file / sample, piece: piece / sample };
}

/**
 * The split step's work per line without its I/O: gunzip, the parser, routing, the piece line and the
 * piece's sort, as splitPart does them, over `lines` of the bench's lines. Microseconds a line, the
 * slowest of three passes (the first also warms the JIT): the figure is held against a hard cap.
 */
async function splitMicrosPerLine(lines = 1_000_000): Promise<number> {
	const text: string[] = [];
	for (let i = 0; i < lines; i++) text.push(line(i));
	const gz = gzipSync(text.join(""));
	const name = parse.parseInboundFileName("ftp_dpm_1000_1790000000.sync.gz");
	const route = { kind: "partner_id" as const, dpid: 1000 };
	const pass = async () => {
		const t0 = performance.now();
		let piece: Array<{ bucket: number; json: string }> = [];
		let bytes = 0;
		let read = 0;
		for await (const batch of parse.parseInboundFileInBatches(streamOf(gz), { name, idType: "partner" })) {
			for (const o of batch) {
				if (o.type !== "record") continue;
				read++;
				const json = encodeTraitLine({ n: o.line, u: o.userId, s: o.signals, t: o.text });
				piece.push({ bucket: split.bucketOfLine(route, o.userId), json });
				bytes += json.length + 1;
				if (bytes < limits.DEFAULT_PIECE_BYTES) continue;
				split.buildPiece(piece);
				piece = [];
				bytes = 0;
			}
		}
		split.buildPiece(piece);
		if (read !== lines) throw new Error(`the split read ${read} lines, expected ${lines}`);
		return ((performance.now() - t0) * 1000) / lines;
	};
	return Math.max(await pass(), await pass(), await pass());
}

export async function projectInbound(sizes = [1_000_000, 10_000_000, 50_000_000, 500_000_000]): Promise<void> {
	const bytes = lineBytes();
	const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
	console.log("\nInbound at AAM scale: the design projected (lines shaped like bench/inbound.ts's)");
	console.log(
		`  ${bytes.file.toFixed(0)} bytes per file line, ${bytes.piece.toFixed(0)} per piece line; pieces of ${fmt(limits.DEFAULT_PIECE_BYTES)} bytes; groups of ${fmt(limits.DEFAULT_LINES_PER_GROUP)} lines; files of at most ${fmt(limits.DEFAULT_MAX_FILE_BYTES)} bytes`,
	);
	console.log(
		"  lines         files  pieces  groups  lines/group  steps (limit 10,000)  R2 reads/group step  subrequests/group step  state ≈ (limit 1 GiB)",
	);
	for (const lines of sizes) {
		const files = Math.max(1, Math.ceil((lines * bytes.file) / limits.DEFAULT_MAX_FILE_BYTES));
		const pieces = Math.ceil((lines * bytes.piece) / limits.DEFAULT_PIECE_BYTES);
		// Users spread evenly over the buckets (FNV-1a), as the bench's measured groups show.
		const groups = planGroups(new Array<number>(BUCKETS).fill(lines / BUCKETS), limits.DEFAULT_LINES_PER_GROUP);
		const steps = files + groups.length + FIXED_STEPS;
		// A piece holds tens of thousands of lines over 4,096 buckets: every group has lines in every piece.
		const reads = pieces;
		const partnerShards = Math.ceil(256 / groups.length) + 1;
		const subrequests = reads + 2 + partnerShards + VISITOR_SHARDS;
		// Step results, estimated: a split's tally and bucket counts (≈ 25 KB), a group's tally (≈ 3 KB with
		// samples) and its place in the waves (≈ 6 B).
		const state = files * 25_000 + groups.length * 3_006;
		console.log(
			`  ${fmt(lines).padStart(11)}  ${fmt(files).padStart(5)}  ${fmt(pieces).padStart(6)}  ${fmt(groups.length).padStart(6)}  ${fmt(lines / groups.length).padStart(11)}  ${fmt(steps).padStart(6)} (${((100 * steps) / WORKFLOW.steps).toFixed(0)} %)${" ".repeat(10)}${fmt(reads).padStart(6)}${" ".repeat(15)}${fmt(subrequests).padStart(6)} (${((100 * subrequests) / SUBREQUESTS).toFixed(0)} %)${" ".repeat(10)}${(state / 2 ** 20).toFixed(1)} MiB`,
		);
	}
	console.log(
		`  a step result stays far below ${fmt(WORKFLOW.stepResultBytes)} bytes (a split's: its tally and ${BUCKETS} bucket counts); Workflows allow ${fmt(WORKFLOW.stepsRaised)} steps when raised`,
	);
	const micros = await splitMicrosPerLine();
	const linesPerFile = limits.DEFAULT_MAX_FILE_BYTES / bytes.file;
	const cpuSeconds = (linesPerFile * micros) / 1e6;
	console.log(
		`  split step, measured in Node: ${micros.toFixed(2)} µs a line (gunzip, parse, route, piece line, sort); a file of ${fmt(limits.DEFAULT_MAX_FILE_BYTES)} bytes is ${fmt(linesPerFile)} such lines: ≈ ${cpuSeconds.toFixed(0)} s of CPU in its one step (${((100 * cpuSeconds * 1000) / STEP_CPU_MS).toFixed(0)} % of the ${STEP_CPU_MS / 1000} s a step may use)`,
	);
}

if (import.meta.main) await projectInbound();

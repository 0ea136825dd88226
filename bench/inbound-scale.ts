// The inbound design projected to AAM-sized deliveries: how many Workflow steps, pieces, reads per group
// step and how much instance state a delivery of N lines needs, computed with the edge's own modules
// (the parser, the piece format, the group planner and the defaults) for lines shaped like the inbound
// bench's, and printed against the Workflow limits. No edge runs: this is arithmetic on the design, to
// read beside the measured runs of bench/inbound.ts.
import { registerLocalImports } from "../batch/cli/local-imports.ts";
import { line } from "./inbound.ts";
import { SUBREQUESTS, WORKFLOW } from "./lib/limits.ts";

registerLocalImports();
const root = import.meta.dirname;
/** The few parts of the edge's modules this script calls (imported at run time, as hostile.ts does). */
interface LineModule {
	parseTraitLine(text: string, idType: "partner"): { ok: true; userId: string; signals: unknown[] } | { ok: false };
}
interface PieceModule {
	asciiJson(value: unknown): string;
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
const { asciiJson } = (await import(`${root}/../batch/inbound/groups/piece.ts`)) as PieceModule;
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
		piece += asciiJson({ n: 5_000_000 + i, u: parsed.userId, s: parsed.signals, t: text }).length + 1;
	}
	return { file: file / sample, piece: piece / sample };
}

export function projectInbound(sizes = [1_000_000, 10_000_000, 50_000_000, 500_000_000]): void {
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
}

if (import.meta.main) projectInbound();

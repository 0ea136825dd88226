// The outbound design projected to AAM-sized runs: how many Workflow steps, shard calls per step, sampled
// keys in the plan and how much instance state a full run of N lines needs, computed with the edge's own
// modules (pages per step, the sampling rate, the window cap) at the design's shard counts and printed
// against the Workflow limits. No edge runs: this is arithmetic on the design, to read beside the measured
// runs of bench/outbound.ts.
import { registerLocalImports } from "../batch/cli/local-imports.ts";
import { SUBREQUESTS, WORKFLOW } from "./lib/limits.ts";

registerLocalImports();
const root = import.meta.dirname;
/** The few parts of the edge's modules this script calls (imported at run time, as inbound-scale.ts does). */
interface FilePlanModule {
	pagesPerStep(s: { outboundStepSubrequests: number; visitorShardCount: number; partnerIdShardCount: number }): number;
}
interface CutsModule {
	sampleEvery(most: number, shards: number): number;
}
interface DoorModule {
	MAX_LISTING_WINDOWS: number;
}
interface UploadModule {
	PART_BYTES: number;
}
const { pagesPerStep } = (await import(`${root}/../batch/outbound/runs/file-plan.ts`)) as FilePlanModule;
const { sampleEvery } = (await import(`${root}/../core/graph/shards/cuts.ts`)) as CutsModule;
const { MAX_LISTING_WINDOWS } = (await import(`${root}/../core/graph/memberships/door.ts`)) as DoorModule;
const { PART_BYTES } = (await import(`${root}/../batch/outbound/runs/upload.ts`)) as UploadModule;
/** wrangler.toml's OUTBOUND_PAGE_IDS. */
const PAGE_IDS = 50_000;

const SHARDS = { visitorShardCount: 512, partnerIdShardCount: 256, outboundStepSubrequests: 4_000 };
/** Bytes of a line like the bench's (`p0000000<TAB>10,11`) and of one part entry in a step result. */
const LINE_BYTES = 15;
const PART_ENTRY_BYTES = 80;
/** plan, plan files, write info, finish, summary e-mail; one send step per target beyond R2. */
const FIXED_STEPS = 5;

export function projectOutbound(sizes = [1_000_000, 10_000_000, 50_000_000, 100_000_000]): void {
	const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
	const pages = pagesPerStep(SHARDS);
	const callsPerStep = pages * (SHARDS.visitorShardCount + SHARDS.partnerIdShardCount);
	console.log(
		"\nOutbound at AAM scale: a full run projected (512 visitor + 256 partner-ID shards, lines like bench/outbound.ts's)",
	);
	console.log(
		`  ${pages} listing pages of ${fmt(PAGE_IDS)} IDs per file step: ${fmt(callsPerStep)} shard calls (${((100 * callsPerStep) / SUBREQUESTS).toFixed(0)} % of ${fmt(SUBREQUESTS)} subrequests)`,
	);
	console.log(
		"  lines        split size  files  file steps  steps (limit 10,000)  sampled keys in the plan  largest step result  state ≈ (limit 1 GiB)",
	);
	for (const lines of sizes) {
		for (const split of [1_000_000, 50_000_000]) {
			// Windows are more than half full: at most twice the files an exact cut would give.
			const exact = Math.ceil(lines / split);
			const files = exact === 1 ? 1 : Math.min(2 * exact, MAX_LISTING_WINDOWS);
			const linesPerFile = lines / files;
			const stepsPerFile = Math.ceil(linesPerFile / PAGE_IDS / pages);
			const fileSteps = files * (stepsPerFile + 1);
			const steps = FIXED_STEPS + fileSteps;
			const holding = SHARDS.partnerIdShardCount;
			const sampled = files === 1 ? 0 : Math.ceil(lines / sampleEvery(split, holding)) + holding;
			const parts = Math.ceil((linesPerFile * LINE_BYTES) / PART_BYTES);
			const largest = Math.max(parts * PART_ENTRY_BYTES + 500, files * 2 * 40);
			const state = fileSteps * (parts * PART_ENTRY_BYTES + 500);
			console.log(
				`  ${fmt(lines).padStart(11)}  ${fmt(split).padStart(10)}  ${fmt(files).padStart(5)}  ${fmt(fileSteps).padStart(10)}  ${fmt(steps).padStart(6)} (${((100 * steps) / WORKFLOW.steps).toFixed(0)} %)${" ".repeat(10)}${fmt(sampled).padStart(12)}${" ".repeat(14)}${fmt(largest).padStart(8)} B${" ".repeat(11)}${(state / 2 ** 20).toFixed(1)} MiB`,
			);
		}
	}
	console.log(
		`  a full run is cut into at most ${MAX_LISTING_WINDOWS} files; an iter run's steps follow its changes (its split check reads up to split + 1 lines, ${pages} pages a step)`,
	);
}

if (import.meta.main) projectOutbound();

import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { settingsOf } from "../../../core/config/settings";
import { pairStoreOf } from "../../../core/graph/select";
import { D1_STEP } from "../../step-configs";
import { compileTemplate } from "../template/compile";
import { countStep, pagesPerStep, planWindows, type SplitCount } from "./file-plan";
import { type Cursor, isBaseline, type ListingReads, START } from "./lines";
import { dataFileName } from "./naming";
import { headerOf, type RunPlan, runTemplateOf } from "./plan";
import type { RunFile } from "./schema";
import { type FileTask, newFileTask, sealFile, writeFileStep } from "./write-file";

// One step of a data file: a few listing pages appended to its text, or the text sealed into the file.
const FILE_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "30 seconds", backoff: "exponential" },
	timeout: "15 minutes",
};

/**
 * A run's data files, as Workflow steps. A full run names its files from the plan's windows before it
 * writes any; an iter run counts whether it needs more than one (`split? N`), then cuts its files by
 * lines as the listing goes. Each file takes `write file N` (and `write file N part M`…) and `seal file N`.
 */
export async function writeRunFiles(env: Env, step: WorkflowStep, plan: RunPlan): Promise<RunFile[]> {
	const { needs } = compileTemplate(runTemplateOf(plan).source, "line");
	const settings = settingsOf(env);
	const reads: ListingReads = {
		pages: pagesPerStep(settings, {
			iter: !isBaseline(plan.scope),
			templateReadsVisitors: needs.dpuuidList || needs.traits,
		}),
		pageIds: settings.outboundPageIds,
	};
	const headerLines = headerOf(plan).split("\n").length - 1;
	const graph = () => pairStoreOf(env);
	const writeFile = async (first: FileTask) => {
		let task = first;
		for (;;) {
			const at = task;
			const name = at.steps === 0 ? `write file ${at.sequence}` : `write file ${at.sequence} part ${at.steps + 1}`;
			const done = await step.do(name, FILE_STEP, () => writeFileStep(graph(), env.EXCHANGE, plan, at, reads));
			if (!done.done) {
				task = done.task;
				continue;
			}
			const file = {
				sequence: at.sequence,
				name: at.name,
				lines: done.lines + headerLines,
				// Absent from a step that finished before the count existed.
				unwritableIds: done.unwritableIds ?? 0,
			};
			const entry = await step.do(`seal file ${at.sequence}`, FILE_STEP, () => sealFile(env.EXCHANGE, plan, file));
			return { entry, next: done.next };
		}
	};

	const files: RunFile[] = [];
	if (isBaseline(plan.scope)) {
		const windows = await step.do("plan files", D1_STEP, () => planWindows(graph(), plan));
		for (const [i, w] of windows.entries()) {
			const name = dataFileName(plan.naming, i + 1, windows.length > 1);
			const from: Cursor = { phase: "paired", after: w.after };
			files.push((await writeFile(newFileTask(i + 1, name, from, { through: w.through, maxLines: null }))).entry);
		}
		return files;
	}
	let count: SplitCount = { lines: 0, next: START };
	for (let n = 1; count.next !== null; n++) {
		const at = count;
		count = await step.do(`split? ${n}`, D1_STEP, () => countStep(graph(), plan, at, reads));
	}
	const split = count.lines > plan.splitLines;
	const maxLines = split ? plan.splitLines : null;
	let from: Cursor | null = START;
	for (let sequence = 1; from !== null; sequence++) {
		const name = dataFileName(plan.naming, sequence, split);
		const written = await writeFile(newFileTask(sequence, name, from, { through: null, maxLines }));
		files.push(written.entry);
		from = written.next;
	}
	return files;
}

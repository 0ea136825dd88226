import { positiveTraitsBySegment } from "../../segments/store";
import type { Targets } from "../destinations/schema";
import { findDestination } from "../destinations/store";
import { compileTemplate } from "../template/compile";
import { TAB_TEMPLATE } from "../template/defaults";
import type { LineScope, RunTemplate } from "./lines";
import { type FileNaming, syncTypeOf } from "./naming";
import { findRun } from "./store";

/**
 * Everything a run needs, read once at its start: editing the destination while a run is under way
 * changes the next run, never this one. Plain data, so Workflows can persist it between steps.
 */
export interface RunPlan {
	runId: string;
	scope: LineScope;
	naming: FileNaming;
	splitLines: number;
	targets: Targets;
	destinationName: string;
	/** Absent in plans made before templates: those runs keep the layout they started with. */
	template?: { line: string; header: string | null; traitsBySegment: Record<string, number[]> };
}

export async function planRun(db: D1Database, runId: string): Promise<RunPlan> {
	const run = await findRun(db, runId);
	if (!run) throw new Error(`outbound run ${runId} is not recorded`);
	const destination = await findDestination(db, run.destinationId);
	if (!destination) throw new Error(`destination ${run.destinationId} was deleted before run ${runId} started`);
	return {
		runId,
		scope: {
			dpid: destination.dpid,
			segments: destination.segments,
			mode: run.mode,
			since: run.since,
			until: run.until,
		},
		naming: {
			syncType: syncTypeOf(destination.targets),
			destinationId: destination.id,
			dpid: destination.dpid,
			pidAlias: destination.pidAlias,
			mode: run.mode,
			timestamp: run.timestamp,
			gzip: destination.gzip,
		},
		splitLines: destination.splitLines,
		targets: destination.targets,
		destinationName: destination.name,
		template: {
			line: destination.template,
			header: destination.header,
			traitsBySegment: await positiveTraitsBySegment(db, destination.segments),
		},
	};
}

/** How the run's lines are written. */
export function runTemplateOf(plan: RunPlan): RunTemplate {
	const n = plan.naming;
	return {
		source: plan.template?.line ?? TAB_TEMPLATE,
		traitsBySegment: plan.template?.traitsBySegment ?? {},
		file: {
			dpid: n.dpid,
			destinationId: n.destinationId,
			pidAlias: n.pidAlias ?? null,
			mode: n.mode,
			syncType: n.syncType,
			timestamp: n.timestamp,
		},
	};
}

/** The text a file of the run starts with: its header template's lines, or nothing. */
export function headerOf(plan: RunPlan): string {
	const header = plan.template?.header;
	if (!header) return "";
	const text = compileTemplate(header, "header").render(runTemplateOf(plan).file, null);
	return text === "" ? "" : `${text}\n`;
}

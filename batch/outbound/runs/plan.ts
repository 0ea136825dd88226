import type { Targets } from "../destinations/schema";
import { findDestination } from "../destinations/store";
import type { LineScope } from "./lines";
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
	};
}

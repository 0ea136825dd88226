import { z } from "zod";
import { DeliverySchema } from "../destination";
import { getDestination } from "../queries";
import type { LineScope } from "./lines";
import { type FileNaming, syncTypeOf } from "./naming";
import { getRun } from "./records";

/**
 * Everything a run needs, read once at its start: editing the destination while a run is under way
 * changes the next run, never this one. Plain data, so Workflows can persist it between steps.
 */
export const RunPlanSchema = z.object({
	runId: z.string(),
	scope: z.object({
		dpid: z.number(),
		segments: z.array(z.number()),
		mode: z.enum(["full", "iter"]),
		since: z.number(),
		until: z.number(),
	}),
	naming: z.object({
		syncType: z.string(),
		destinationId: z.number(),
		dpid: z.number(),
		mode: z.enum(["full", "iter"]),
		timestamp: z.number(),
		gzip: z.boolean(),
	}),
	splitLines: z.number(),
	delivery: DeliverySchema,
	destinationName: z.string(),
});
export type RunPlan = z.infer<typeof RunPlanSchema> & { scope: LineScope; naming: FileNaming };

export async function planRun(db: D1Database, runId: string): Promise<RunPlan> {
	const run = await getRun(db, runId);
	if (!run) throw new Error(`outbound run ${runId} is not recorded`);
	const destination = await getDestination(db, run.destinationId);
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
			syncType: syncTypeOf(destination),
			destinationId: destination.id,
			dpid: destination.dpid,
			mode: run.mode,
			timestamp: run.timestamp,
			gzip: destination.gzip,
		},
		splitLines: destination.splitLines,
		delivery: destination.delivery,
		destinationName: destination.name,
	};
}

import { z } from "@hono/zod-openapi";
import * as sql from "./queries";

export const FileEntrySchema = z
	.object({ name: z.string(), sequence: z.number(), bytes: z.number(), lines: z.number(), md5: z.string() })
	.openapi("OutboundFile");

export const DeliveryOutcomeSchema = z
	.object({
		status: z.enum(["delivered", "failed"]),
		target: z.string(),
		files: z.number(),
		error: z.string().optional(),
	})
	.openapi("DeliveryOutcome");
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;

export const RunSchema = z
	.object({
		id: z.string(),
		destinationId: z.number(),
		dpid: z.number(),
		mode: z.enum(["full", "iter"]),
		trigger: z.enum(["schedule", "manual"]),
		timestamp: z.number(),
		since: z.number(),
		until: z.number(),
		status: z.enum(["running", "delivered", "failed"]),
		files: z.array(FileEntrySchema),
		lines: z.number(),
		bytes: z.number(),
		deliveries: z.record(z.string(), DeliveryOutcomeSchema),
		error: z.string().nullable(),
		startedAt: z.number(),
		finishedAt: z.number().nullable(),
		durationMs: z.number().nullable(),
	})
	.openapi("OutboundRun");
export type Run = z.infer<typeof RunSchema>;

function toRun(row: sql.RunRow): Run {
	return RunSchema.parse({
		id: row.id,
		destinationId: row.destination_id,
		dpid: row.dpid,
		mode: row.mode,
		trigger: row.trigger,
		timestamp: row.timestamp,
		since: row.since,
		until: row.until,
		status: row.status,
		files: JSON.parse(row.files),
		lines: row.lines,
		bytes: row.bytes,
		deliveries: JSON.parse(row.deliveries),
		error: row.error,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		durationMs: row.finished_at === null ? null : row.finished_at - row.started_at,
	});
}

export async function getRun(db: D1Database, id: string): Promise<Run | null> {
	const row = await db.prepare(sql.GET_RUN).bind(id).first<sql.RunRow>();
	return row ? toRun(row) : null;
}

/** Newest first, optionally of one destination and/or one partner. */
export async function listRuns(
	db: D1Database,
	filter: { destinationId?: number | undefined; dpid?: number | undefined },
	limit = 50,
): Promise<Run[]> {
	const { results } = await db
		.prepare(sql.LIST_RUNS)
		.bind(filter.destinationId ?? null, filter.dpid ?? null, limit)
		.all<sql.RunRow>();
	return results.map(toRun);
}

export async function recordFiles(db: D1Database, runId: string, files: z.infer<typeof FileEntrySchema>[]) {
	const lines = files.reduce((n, f) => n + f.lines, 0);
	const bytes = files.reduce((n, f) => n + f.bytes, 0);
	await db.prepare(sql.RECORD_FILES).bind(runId, JSON.stringify(files), lines, bytes).run();
}

/**
 * Ends a run in one transaction: its status and delivery outcomes, the destination freed for the next
 * run, and (only when every target got every file) the iter watermark moved to the run's `until`.
 */
export async function finishRun(
	db: D1Database,
	run: Pick<Run, "id" | "destinationId" | "until">,
	outcome: { status: "delivered" | "failed"; deliveries: Record<string, DeliveryOutcome>; error: string | null },
	now: number,
): Promise<void> {
	const statements = [
		db.prepare(sql.FINISH_RUN).bind(run.id, outcome.status, JSON.stringify(outcome.deliveries), outcome.error, now),
		db.prepare(sql.RELEASE_RUN).bind(run.destinationId, run.id),
	];
	if (outcome.status === "delivered")
		statements.push(db.prepare(sql.ADVANCE_WATERMARK).bind(run.destinationId, run.until));
	await db.batch(statements);
}

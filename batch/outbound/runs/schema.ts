import { z } from "@hono/zod-openapi";
import { ModeSchema } from "../destinations/schema";

/** One data file of a run, as the .info control file and the run record list it. */
export const RunFileSchema = z
	.object({
		name: z.string(),
		sequence: z.number(),
		bytes: z.number(),
		lines: z.number(),
		md5: z.string(),
		// 0 in files recorded before the count existed.
		unwritableIds: z.number().default(0).openapi({
			description:
				"Partner user IDs left out of this file because they hold a character of the output template's layout (a separator, quote or bracket it writes), or a `\"` or `\\`: each ID not written on a line, or dropped from a DP_UUID_LIST, counts once",
		}),
	})
	.openapi("OutboundFile");
export type RunFile = z.infer<typeof RunFileSchema>;

/** What one target (r2, https, s3) made of a run's files. */
export const TargetOutcomeSchema = z
	.object({
		status: z.enum(["sent", "failed"]),
		/** The R2 prefix, the HTTPS URL or the S3 bucket. */
		target: z.string(),
		files: z.number(),
		error: z.string().optional(),
	})
	.openapi("TargetOutcome", {
		description: "One target's outcome. `status` was `delivered` before migration 0010 (now `sent`).",
	});
export type TargetOutcome = z.infer<typeof TargetOutcomeSchema>;

export const TriggerSchema = z.enum(["schedule", "manual"]);
export type Trigger = z.infer<typeof TriggerSchema>;

/** A run id asked for (`<destination id>-<timestamp13>`): anything else is refused before D1 is read. */
export const RunIdSchema = z
	.string()
	.regex(/^\d{1,10}-\d{13}$/)
	.openapi({ example: "1-1790000000000" });

export const RunStatusSchema = z.enum(["running", "sent", "failed"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunSchema = z
	.object({
		id: z.string().openapi({ example: "1-1790000000000", description: "`<destination id>-<timestamp13>`" }),
		destinationId: z.number(),
		dpid: z.number(),
		mode: ModeSchema,
		trigger: TriggerSchema,
		/** The run's start (Unix ms), the TIMESTAMP13 of its file names. */
		timestamp: z.number(),
		since: z.number(),
		until: z.number(),
		status: RunStatusSchema,
		files: z.array(RunFileSchema),
		lines: z.number(),
		bytes: z.number(),
		unwritableIds: z.number().openapi({
			description:
				"Partner user IDs the run's files left out: they cannot be written in the destination's output template's layout (the sum of its files' `unwritableIds`)",
		}),
		outcomes: z.record(z.string(), TargetOutcomeSchema),
		error: z.string().nullable(),
		startedAt: z.number(),
		finishedAt: z.number().nullable(),
		durationMs: z.number().nullable(),
	})
	.openapi("OutboundRun", {
		description:
			"One outbound run. `status` is `sent` once every target took every file (`delivered` before migration 0010); `outcomes` holds each target's outcome by name (`r2`, `https`, `s3`; called `deliveries` before migration 0010).",
	});
export type Run = z.infer<typeof RunSchema>;

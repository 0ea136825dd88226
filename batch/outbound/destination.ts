import { z } from "@hono/zod-openapi";
import { scheduleProblem } from "./schedule";

// A Worker binding name: where a delivery secret lives (`wrangler secret put <NAME>`).
const BINDING = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must be the NAME of a Worker secret (A-Z, 0-9, _)");

const httpsUrl = z.url().refine((u) => u.startsWith("https://"), "must be an https:// URL");

/** Where files go besides R2 `outbound/` (always written). Secrets are referenced, never stored. */
export const DeliverySchema = z
	.object({
		https: z
			.object({
				url: httpsUrl,
				secretHeader: z
					.string()
					.regex(/^[A-Za-z0-9-]{1,64}$/)
					.default("Authorization"),
				secretBinding: BINDING,
			})
			.optional(),
		s3: z
			.object({
				endpoint: httpsUrl,
				bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/),
				region: z
					.string()
					.regex(/^[a-z0-9-]{1,32}$/)
					.default("auto"),
				prefix: z
					.string()
					.regex(/^[A-Za-z0-9!_.*'()/-]{0,200}$/, "may hold letters, digits and !_.*'()/- only")
					.refine((p) => !p.split("/").includes(".."), "must not contain '..' segments")
					.default(""),
				accessKeyBinding: BINDING,
				secretKeyBinding: BINDING,
			})
			.optional(),
	})
	.strict()
	.openapi("Delivery");

export const DestinationSchema = z
	.object({
		id: z.number().int().min(1),
		dpid: z.number().int().min(1).max(2_147_483_647),
		name: z.string().trim().min(1).max(200),
		segments: z.array(z.number().int().min(1)).min(1).max(500),
		mode: z.enum(["full", "iter"]),
		schedule: z
			.string()
			.max(200)
			.superRefine((s, ctx) => {
				const problem = scheduleProblem(s);
				if (problem) ctx.addIssue({ code: "custom", message: problem });
			})
			.openapi({ example: "0 3 * * *", description: "five-field cron expression, UTC" }),
		gzip: z.boolean().default(true),
		splitLines: z.number().int().min(1_000).max(50_000_000).default(1_000_000),
		delivery: DeliverySchema.default({}),
		summaryEmails: z.array(z.email()).max(20).default([]),
		createdAt: z.number(),
		updatedAt: z.number(),
	})
	.openapi("Destination");

export type Destination = z.infer<typeof DestinationSchema>;
/** Create or replace: the id comes from the path, the timestamps from the edge. */
export const DestinationInput = DestinationSchema.omit({ id: true, createdAt: true, updatedAt: true })
	.strict()
	.openapi("DestinationInput");
export type DestinationInput = z.infer<typeof DestinationInput>;

import { z } from "@hono/zod-openapi";
import { publicUrlProblem } from "../public-url";
import { scheduleProblem } from "../schedule";
import { templateProblem } from "../template/check";
import { AAM_DEFAULT_TEMPLATE } from "../template/defaults";
import type { Role } from "../template/macros";
import { MAX_TEMPLATE_CHARS } from "../template/syntax";

/**
 * Target secrets (the HTTPS header value, S3 keys) are Worker secrets whose names start with this
 * prefix. A destination can only name those, never ADMIN_TOKEN, SESSION_SECRET, FPID_SECRET or any
 * other setting: otherwise an operator's typo (or a stolen admin token) could ship the edge's own
 * secrets to a partner's endpoint. The prefix keeps its first name, `DELIVERY_`: deployed secrets and
 * saved destinations use it.
 */
export const TARGET_SECRET_PREFIX = "DELIVERY_";
const TARGET_SECRET_NAME = /^DELIVERY_[A-Z0-9_]{1,55}$/;

export function isTargetSecretName(name: string): boolean {
	return TARGET_SECRET_NAME.test(name);
}

/** A template as the admin API takes it: checked against AAM's macros for its role (template/check.ts). */
function TemplateText(role: Role) {
	return z
		.string()
		.max(MAX_TEMPLATE_CHARS)
		.superRefine((t, ctx) => {
			const problem = templateProblem(t, role);
			if (problem) ctx.addIssue({ code: "custom", message: problem });
		});
}

/** How a run lists its members: everyone each time, or the changes since the last run sent. */
export const ModeSchema = z.enum(["full", "iter"]);
export type Mode = z.infer<typeof ModeSchema>;

// As stored: any Worker binding name and any https URL, so a destination saved under older rules still
// reads back (and lists); sending to it refuses it with a clear message (send/checks.ts).
const STORED_BINDING = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, "must be the NAME of a Worker secret (A-Z, 0-9, _)");
const STORED_URL = z.url().refine((u) => u.startsWith("https://"), "must be an https:// URL");

// As accepted from the admin API.
const TARGET_BINDING = z
	.string()
	.regex(
		TARGET_SECRET_NAME,
		`must be the NAME of a Worker secret starting with ${TARGET_SECRET_PREFIX} (A-Z, 0-9, _), e.g. DELIVERY_ACME_TOKEN`,
	);
const PUBLIC_URL = z.string().superRefine((u, ctx) => {
	const problem = publicUrlProblem(u);
	if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Where a run sends its files besides R2 `outbound/` (always written). Secrets are referenced, never stored. */
function targetsSchema(url: z.ZodType<string>, binding: z.ZodType<string>) {
	return z
		.object({
			https: z
				.object({
					url,
					secretHeader: z
						.string()
						.regex(/^[A-Za-z0-9-]{1,64}$/)
						.default("Authorization"),
					secretBinding: binding,
				})
				.optional(),
			s3: z
				.object({
					endpoint: url,
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
					accessKeyBinding: binding,
					secretKeyBinding: binding,
				})
				.optional(),
		})
		.strict();
}

export const TargetsSchema = targetsSchema(STORED_URL, STORED_BINDING).openapi("Targets", {
	description: "Where a run sends its files besides R2 `<DPID>/outbound/`. Called `delivery` before migration 0010.",
});
/** Public https hosts only (public-url.ts) and DELIVERY_ secret names only. */
export const TargetsInput = targetsSchema(PUBLIC_URL, TARGET_BINDING).openapi("TargetsInput");
export type Targets = z.infer<typeof TargetsSchema>;
export type HttpsTarget = NonNullable<Targets["https"]>;
export type S3Target = NonNullable<Targets["s3"]>;

const SCHEDULE_DOC = { example: "0 3 * * *", description: "five-field cron expression, UTC" };
/** A schedule as the admin API takes it: five fields that parse and fire on some date (schedule.ts). */
const ScheduleInput = z
	.string()
	.max(200)
	.superRefine((s, ctx) => {
		const problem = scheduleProblem(s);
		if (problem) ctx.addIssue({ code: "custom", message: problem });
	})
	.openapi(SCHEDULE_DOC);

export const DestinationSchema = z
	.object({
		id: z.number().int().min(1),
		dpid: z.number().int().min(1).max(2_147_483_647),
		name: z.string().trim().min(1).max(200),
		segments: z.array(z.number().int().min(1)).min(1).max(500),
		mode: ModeSchema,
		// As stored: a schedule saved before "never fires" was refused still reads back (and lists); the
		// cron skips it with a log line (runs/start.ts).
		schedule: z.string().max(200).openapi(SCHEDULE_DOC),
		gzip: z.boolean().default(true),
		splitLines: z.number().int().min(1_000).max(50_000_000).default(1_000_000),
		targets: TargetsSchema.default({}),
		summaryEmails: z.array(z.email()).max(20).default([]),
		pidAlias: z
			.string()
			.regex(/^[A-Za-z0-9-]{1,64}$/, "letters, digits and - only: it sits between underscores in the file names")
			.nullable()
			.default(null)
			.openapi({
				example: "XYZCustomer",
				description: "AAM's PID_ALIAS: the partner's name for the customer, in the file names after the DPID",
			}),
		template: TemplateText("line").default(AAM_DEFAULT_TEMPLATE).openapi({
			example: AAM_DEFAULT_TEMPLATE,
			description:
				"each member's line, in AAM's outbound macro language (docs/vendors.md, Output templates); the default writes AAM's default contents keyed by the partner's user ID",
		}),
		header: TemplateText("header").nullable().default(null).openapi({
			example: "<ORDER_ID><TAB><SYNC_MODE><NEW_LINE>id<TAB>segments",
			description: "first line(s) of every data file: file macros only (no member), NEW_LINE between lines",
		}),
		createdAt: z.number(),
		updatedAt: z.number(),
	})
	.openapi("Destination");

export type Destination = z.infer<typeof DestinationSchema>;
/**
 * Create or replace: the id comes from the path, the timestamps from the edge. A replace without
 * `template` or `header` keeps the stored ones (a destination saved before templates keeps its layout).
 */
export const DestinationInput = DestinationSchema.omit({ id: true, createdAt: true, updatedAt: true })
	.extend({
		schedule: ScheduleInput,
		targets: TargetsInput.default({}),
		template: TemplateText("line").optional(),
		header: TemplateText("header").nullable().optional(),
	})
	.strict()
	.openapi("DestinationInput");
export type DestinationInput = z.infer<typeof DestinationInput>;

import { createRoute, z } from "@hono/zod-openapi";
import { ModeSchema } from "../../../batch/outbound/destinations/schema";
import { findDestination } from "../../../batch/outbound/destinations/store";
import { syncTypeOf } from "../../../batch/outbound/runs/naming";
import { templateProblem } from "../../../batch/outbound/template/check";
import { AAM_DEFAULT_TEMPLATE } from "../../../batch/outbound/template/defaults";
import type { FileFacts, Role } from "../../../batch/outbound/template/macros";
import { defaultSamples, previewTemplate, type SampleMember } from "../../../batch/outbound/template/preview";
import { SamplesSchema, sampleMember } from "../../../batch/outbound/template/sample-schema";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";

const PreviewInput = z
	.object({
		template: z.string().max(4_000).optional(),
		header: z.string().max(4_000).nullable().optional(),
		dpid: z.number().int().min(1).max(2_147_483_647).optional(),
		mode: ModeSchema.optional(),
		pidAlias: z.string().max(64).nullable().optional(),
		samples: SamplesSchema.optional(),
	})
	.strict()
	.openapi("TemplatePreviewInput");

const PreviewOutput = z
	.object({ header: z.array(z.string()), lines: z.array(z.string()), warnings: z.array(z.string()) })
	.openapi("TemplatePreview");

const errors = { 400: { description: "a template AAM's macros do not allow", content: ERROR_SCHEMA }, ...UNAUTHORIZED };
const description =
	"Renders an output template (and header) against sample members: the given ones, or two made from the destination's segments. Nothing is saved.";

/** Previews of output templates (batch/outbound/template/): unsaved, or a saved destination's with overrides. */
export const previewRoutes = apiApp({ "/destination-preview": requireAdmin });

previewRoutes.openapi(
	createRoute({
		method: "post",
		path: "/destination-preview",
		security: BEARER,
		description,
		request: { body: { content: jsonOf(PreviewInput), required: true } },
		responses: { 200: { description: "the files' first lines", content: jsonOf(PreviewOutput) }, ...errors },
	}),
	async (c) => {
		const input = c.req.valid("json");
		const file = fileFacts({
			id: 0,
			dpid: input.dpid ?? 1,
			mode: input.mode ?? "full",
			pidAlias: input.pidAlias ?? null,
		});
		return c.json(render(input, { line: AAM_DEFAULT_TEMPLATE, header: null, segments: [] }, file), 200);
	},
);

previewRoutes.openapi(
	createRoute({
		method: "post",
		path: "/destination-preview/{id}",
		security: BEARER,
		description,
		request: { params: ID_PARAM, body: { content: jsonOf(PreviewInput), required: true } },
		responses: {
			200: { description: "the files' first lines", content: jsonOf(PreviewOutput) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const input = c.req.valid("json");
		const d = await findDestination(c.env.DB, c.req.valid("param").id);
		if (!d) fail(404, "no such destination");
		const file = fileFacts({
			id: d.id,
			dpid: input.dpid ?? d.dpid,
			mode: input.mode ?? d.mode,
			pidAlias: input.pidAlias === undefined ? d.pidAlias : input.pidAlias,
			syncType: syncTypeOf(d.targets),
		});
		return c.json(render(input, { line: d.template, header: d.header, segments: d.segments }, file), 200);
	},
);

function fileFacts(d: {
	id: number;
	dpid: number;
	mode: FileFacts["mode"];
	pidAlias: string | null;
	syncType?: string;
}) {
	return {
		dpid: d.dpid,
		destinationId: d.id,
		pidAlias: d.pidAlias,
		mode: d.mode,
		syncType: d.syncType ?? "R2",
		timestamp: Date.now(),
	};
}

function render(
	input: z.infer<typeof PreviewInput>,
	saved: { line: string; header: string | null; segments: readonly number[] },
	file: FileFacts,
) {
	const line = input.template ?? saved.line;
	const header = input.header === undefined ? saved.header : input.header;
	checked(line, "line", "template");
	if (header) checked(header, "header", "header");
	const samples: SampleMember[] =
		input.samples?.map((s) => sampleMember(s, file.timestamp)) ?? defaultSamples(saved.segments, file.timestamp);
	return previewTemplate({ line, header, mode: file.mode }, file, samples);
}

function checked(source: string, role: Role, field: string): void {
	const problem = templateProblem(source, role);
	if (problem) fail(400, `${field}: ${problem}`);
}

import { createRoute, z } from "@hono/zod-openapi";
import { destinationsMapping } from "../../../batch/outbound/queries";
import { startBackfill } from "../../../batch/segments/backfill-workflow";
import { deleteSegment, getSegment, listSegments, putSegment } from "../../../batch/segments/queries";
import { parseSegmentRule, traitsOf } from "../../../batch/segments/rule";
import { existingTraitIds } from "../../../batch/traits/store";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";

const SegmentSchema = z
	.object({
		id: z.number().int().min(1),
		name: z.string().trim().min(1).max(200),
		rule: z.string().min(1).max(4_000).openapi({ example: "T101 AND (T102 OR NOT T103)" }),
		createdAt: z.number(),
		updatedAt: z.number(),
	})
	.openapi("Segment");
/** Create or replace: the id comes from the path, the timestamps from the edge. */
const SegmentInput = SegmentSchema.pick({ name: true, rule: true }).strict().openapi("SegmentInput");
const errors = { 400: { description: "bad rule or unknown trait", content: ERROR_SCHEMA }, ...UNAUTHORIZED };
const view = ({ tree: _tree, ...segment }: Awaited<ReturnType<typeof putSegment>>) => segment;

export const segmentRoutes = apiApp({ "/segments": requireAdmin });

segmentRoutes.openapi(
	createRoute({
		method: "get",
		path: "/segments",
		security: BEARER,
		responses: {
			200: { description: "all segments", content: jsonOf(z.object({ segments: z.array(SegmentSchema) })) },
			...errors,
		},
	}),
	async (c) => c.json({ segments: (await listSegments(c.env.DB)).map(view) }, 200),
);

segmentRoutes.openapi(
	createRoute({
		method: "put",
		path: "/segments/{id}",
		security: BEARER,
		request: { params: ID_PARAM, body: { content: jsonOf(SegmentInput), required: true } },
		responses: {
			200: {
				description: "created or replaced; `backfill` names the workflow that evaluates existing users",
				content: jsonOf(SegmentSchema.extend({ backfill: z.string().nullable() })),
			},
			...errors,
		},
	}),
	async (c) => {
		const input = c.req.valid("json");
		const named = [...traitsOf(parseSegmentRule(input.rule))];
		const known = await existingTraitIds(c.env.DB, named);
		const unknown = named.filter((id) => !known.has(id));
		if (unknown.length > 0) fail(400, `rule names unknown traits: ${unknown.map((id) => `T${id}`).join(", ")}`);
		const id = c.req.valid("param").id;
		const before = await getSegment(c.env.DB, id);
		const saved = await putSegment(c.env.DB, { ...input, id }, Date.now());
		// Users who already hold traits are evaluated in the background; a rename needs none of that.
		let backfill: string | null = null;
		if (before?.rule !== saved.rule) backfill = await startBackfill(c.env, saved);
		return c.json({ ...view(saved), backfill }, 200);
	},
);

segmentRoutes.openapi(
	createRoute({
		method: "get",
		path: "/segments/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			200: { description: "the segment", content: jsonOf(SegmentSchema) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const segment = await getSegment(c.env.DB, c.req.valid("param").id);
		if (!segment) fail(404, "no such segment");
		return c.json(view(segment), 200);
	},
);

segmentRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/segments/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			204: { description: "deleted with its memberships" },
			...NOT_FOUND,
			409: { description: "mapped by a destination", content: ERROR_SCHEMA },
			...errors,
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		// Partners would never hear that its members left: unmap it from the destinations first.
		const mapped = await destinationsMapping(c.env.DB, id);
		if (mapped.length > 0) fail(409, `segment ${id} is mapped by destination(s) ${mapped.join(", ")}; unmap it first`);
		if (!(await deleteSegment(c.env.DB, id))) fail(404, "no such segment");
		return c.body(null, 204);
	},
);

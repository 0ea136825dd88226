import { createRoute, z } from "@hono/zod-openapi";
import { destinationsMapping } from "../../../batch/outbound/destinations/store";
import { startBackfill } from "../../../batch/segments/backfill-workflow";
import { parseSegmentRule, traitsOf } from "../../../batch/segments/rule";
import { SegmentInput, SegmentSchema, viewOf } from "../../../batch/segments/schema";
import { deleteSegment, findSegment, listSegments, putSegment } from "../../../batch/segments/store";
import { existingTraitIds } from "../../../batch/traits/store";
import { pairStoreOf } from "../../../core/graph/select";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";

const errors = { 400: { description: "bad rule or unknown trait", content: ERROR_SCHEMA }, ...UNAUTHORIZED };

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
	async (c) => c.json({ segments: (await listSegments(c.env.DB)).map(viewOf) }, 200),
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
		const before = await findSegment(c.env.DB, id);
		const saved = await putSegment(c.env.DB, { ...input, id }, Date.now());
		// Users who already hold traits are evaluated in the background; a rename needs none of that.
		let backfill: string | null = null;
		if (before?.rule !== saved.rule) backfill = await startBackfill(c.env, saved);
		return c.json({ ...viewOf(saved), backfill }, 200);
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
		const segment = await findSegment(c.env.DB, c.req.valid("param").id);
		if (!segment) fail(404, "no such segment");
		return c.json(viewOf(segment), 200);
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
		if (!(await deleteSegment(c.env.DB, pairStoreOf(c.env), id))) fail(404, "no such segment");
		return c.body(null, 204);
	},
);

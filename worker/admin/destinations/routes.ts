import { createRoute, z } from "@hono/zod-openapi";
import { DestinationInput, DestinationSchema } from "../../../batch/outbound/destinations/schema";
import {
	deleteDestination,
	findDestination,
	listDestinations,
	putDestination,
} from "../../../batch/outbound/destinations/store";
import { existingSegmentIds } from "../../../batch/segments/store";
import { getPartner } from "../../../core/partners/store";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";

const errors = {
	400: { description: "bad input, unknown partner or segments", content: ERROR_SCHEMA },
	...UNAUTHORIZED,
};

/** Outbound destinations (SPEC §6); their runs are in ../runs/routes.ts. */
export const destinationRoutes = apiApp({ "/destinations": requireAdmin });

destinationRoutes.openapi(
	createRoute({
		method: "get",
		path: "/destinations",
		security: BEARER,
		request: { query: z.object({ dpid: z.coerce.number().int().min(1).optional() }) },
		responses: {
			200: { description: "destinations", content: jsonOf(z.object({ destinations: z.array(DestinationSchema) })) },
			...errors,
		},
	}),
	async (c) => c.json({ destinations: await listDestinations(c.env.DB, c.req.valid("query").dpid) }, 200),
);

destinationRoutes.openapi(
	createRoute({
		method: "put",
		path: "/destinations/{id}",
		security: BEARER,
		request: { params: ID_PARAM, body: { content: jsonOf(DestinationInput), required: true } },
		responses: { 200: { description: "created or replaced", content: jsonOf(DestinationSchema) }, ...errors },
	}),
	async (c) => {
		const input = c.req.valid("json");
		if (!(await getPartner(c.env.DB, input.dpid))) fail(400, `dpid: no partner ${input.dpid}`);
		const known = await existingSegmentIds(c.env.DB, input.segments);
		const unknown = input.segments.filter((id) => !known.has(id));
		if (unknown.length > 0) fail(400, `segments: unknown segment ids ${unknown.join(", ")}`);
		return c.json(await putDestination(c.env.DB, c.req.valid("param").id, input, Date.now()), 200);
	},
);

destinationRoutes.openapi(
	createRoute({
		method: "get",
		path: "/destinations/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			200: { description: "the destination", content: jsonOf(DestinationSchema) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const destination = await findDestination(c.env.DB, c.req.valid("param").id);
		if (!destination) fail(404, "no such destination");
		return c.json(destination, 200);
	},
);

destinationRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/destinations/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: { 204: { description: "deleted" }, ...NOT_FOUND, ...errors },
	}),
	async (c) => {
		if (!(await deleteDestination(c.env.DB, c.req.valid("param").id))) fail(404, "no such destination");
		return c.body(null, 204);
	},
);

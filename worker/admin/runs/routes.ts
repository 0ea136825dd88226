import { createRoute, z } from "@hono/zod-openapi";
import { findDestination } from "../../../batch/outbound/destinations/store";
import { RunIdSchema, RunSchema } from "../../../batch/outbound/runs/schema";
import { startRunNow } from "../../../batch/outbound/runs/start";
import { findRun, listRuns } from "../../../batch/outbound/runs/store";
import { assertMayActFor, requireAdmin, requireAdminOrPartner } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf } from "../openapi";

const errors = {
	400: { description: "bad input", content: ERROR_SCHEMA },
	401: { description: "no or wrong token or key", content: ERROR_SCHEMA },
	404: {
		description: "unknown destination or run; also another partner's run or DPID (never 403)",
		content: ERROR_SCHEMA,
	},
};

/** Outbound runs: the operator sees and starts all, a partner key reads its own. */
export const runRoutes = apiApp({ "/outbound-runs": requireAdminOrPartner, "/destinations/:id/runs": requireAdmin });

runRoutes.openapi(
	createRoute({
		method: "get",
		path: "/outbound-runs",
		security: BEARER,
		request: {
			query: z.object({
				destination: z.coerce.number().int().min(1).optional(),
				dpid: z.coerce.number().int().min(1).optional(),
				limit: z.coerce.number().int().min(1).max(500).default(50),
			}),
		},
		responses: {
			200: { description: "newest first", content: jsonOf(z.object({ runs: z.array(RunSchema) })) },
			...errors,
		},
	}),
	async (c) => {
		const query = c.req.valid("query");
		const own = c.get("partnerDpid");
		if (own !== undefined && query.dpid !== undefined) assertMayActFor(own, query.dpid);
		const runs = await listRuns(c.env.DB, { destinationId: query.destination, dpid: own ?? query.dpid }, query.limit);
		return c.json({ runs }, 200);
	},
);

runRoutes.openapi(
	createRoute({
		method: "get",
		path: "/outbound-runs/{id}",
		security: BEARER,
		request: { params: z.object({ id: RunIdSchema }) },
		responses: { 200: { description: "the run", content: jsonOf(RunSchema) }, ...errors },
	}),
	async (c) => {
		const run = await findRun(c.env.DB, c.req.valid("param").id);
		if (!run) fail(404, "no such run");
		assertMayActFor(c.get("partnerDpid"), run.dpid, "run");
		return c.json(run, 200);
	},
);

runRoutes.openapi(
	createRoute({
		method: "post",
		path: "/destinations/{id}/runs",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			202: { description: "run started", content: jsonOf(RunSchema) },
			409: { description: "a run of this destination is under way", content: ERROR_SCHEMA },
			...errors,
		},
	}),
	async (c) => {
		const destination = await findDestination(c.env.DB, c.req.valid("param").id);
		if (!destination) fail(404, "no such destination");
		const runId = await startRunNow(c.env, destination.id, destination.schedule, Date.now());
		if (!runId) fail(409, "a run of this destination is under way; runs never overlap");
		const run = await findRun(c.env.DB, runId);
		if (!run) fail(404, "no such run");
		return c.json(run, 202);
	},
);

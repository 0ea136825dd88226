import { createRoute, z } from "@hono/zod-openapi";
import { assertMayActFor, requireAdminOrPartner } from "../../auth/middleware";
import { readStats, StatsSchema } from "../../stats/read";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf } from "../openapi";

/** /api/v1/stats: the operator sees every partner; a partner key only its own numbers. */
export const statsRoutes = apiApp({ "/stats": requireAdminOrPartner });

statsRoutes.openapi(
	createRoute({
		method: "get",
		path: "/stats",
		security: BEARER,
		request: {
			query: z.object({
				days: z.coerce.number().int().min(1).max(366).default(14).openapi({ description: "UTC days up to today" }),
				dpid: z.coerce.number().int().min(1).optional(),
			}),
		},
		responses: {
			200: {
				description: "syncs, pairs, rejected calls, match rates, deliveries and runs",
				content: jsonOf(StatsSchema),
			},
			401: { description: "no or wrong token or key", content: ERROR_SCHEMA },
			404: { description: "a partner key asking for another DPID (never 403)", content: ERROR_SCHEMA },
		},
	}),
	async (c) => {
		const query = c.req.valid("query");
		const own = c.get("partnerDpid");
		if (own !== undefined && query.dpid !== undefined) assertMayActFor(own, query.dpid);
		const stats = await readStats(c.env.DB, { days: query.days, dpid: own ?? query.dpid ?? null, now: Date.now() });
		return c.json(stats, 200);
	},
);

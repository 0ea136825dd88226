import { createRoute, z } from "@hono/zod-openapi";
import { findDelivery, listDeliveries } from "../../../batch/inbound/store";
import { assertMayActFor, requireAdminOrPartner } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf } from "../openapi";

const DeliverySchema = z
	.object({
		id: z.string(),
		dpid: z.number(),
		targetDpid: z.number().nullable(),
		kind: z.enum(["traits", "id_sync"]),
		mode: z.enum(["sync", "overwrite"]),
		fileTimestampSeconds: z
			.number()
			.openapi({ description: "the timestamp of the file name, in Unix seconds (every other time here is Unix ms)" }),
		files: z.array(z.string()),
		status: z.enum(["pending", "running", "done", "failed", "rejected"]),
		discoveredAt: z.number(),
		startedAt: z.number().nullable(),
		finishedAt: z.number().nullable(),
		filesMovedAt: z
			.number()
			.nullable()
			.openapi({ description: "when the files left the inbound area (moved to work/processed/, or refused)" }),
		receipt: z.record(z.string(), z.unknown()).nullable().openapi({ description: "SPEC §5 receipt fields" }),
		lateOf: z.string().nullable().openapi({
			description:
				"set on a split part that arrived after its delivery had started: applied as a delivery of its own (id `<delivery>.<split>`), named here",
		}),
	})
	.openapi("InboundDelivery");
const errors = {
	401: { description: "no or wrong token or key", content: ERROR_SCHEMA },
	404: { description: "unknown; also another partner's delivery or DPID (never 403)", content: ERROR_SCHEMA },
};

/** Inbound deliveries and their receipts: the operator sees all, a partner key only its own. */
export const inboundRoutes = apiApp({ "/inbound-files": requireAdminOrPartner });

inboundRoutes.openapi(
	createRoute({
		method: "get",
		path: "/inbound-files",
		security: BEARER,
		request: {
			query: z.object({
				dpid: z.coerce.number().int().min(1).optional(),
				limit: z.coerce.number().int().min(1).max(500).default(100),
			}),
		},
		responses: {
			200: { description: "newest first", content: jsonOf(z.object({ deliveries: z.array(DeliverySchema) })) },
			...errors,
		},
	}),
	async (c) => {
		const query = c.req.valid("query");
		const own = c.get("partnerDpid");
		if (own !== undefined && query.dpid !== undefined) assertMayActFor(own, query.dpid);
		const deliveries = await listDeliveries(c.env.DB, own ?? query.dpid ?? null, query.limit);
		return c.json({ deliveries }, 200);
	},
);

inboundRoutes.openapi(
	createRoute({
		method: "get",
		path: "/inbound-files/{id}",
		security: BEARER,
		request: {
			params: z.object({
				id: z
					.string()
					.max(200)
					.openapi({ param: { name: "id", in: "path" } }),
			}),
		},
		responses: {
			200: { description: "the delivery with its receipt", content: jsonOf(DeliverySchema) },
			...errors,
		},
	}),
	async (c) => {
		const delivery = await findDelivery(c.env.DB, c.req.valid("param").id);
		// A partner asking for another partner's delivery learns nothing, not even that it exists.
		if (!delivery || (c.get("partnerDpid") !== undefined && c.get("partnerDpid") !== delivery.dpid))
			fail(404, "no such delivery");
		return c.json(delivery, 200);
	},
);

import { createRoute, z } from "@hono/zod-openapi";
import { migrateLegacyLayout } from "../../../batch/exchange-migration";
import { requireAdmin } from "../../auth/middleware";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf, UNAUTHORIZED } from "../openapi";

const MigrationSchema = z
	.object({
		moved: z.array(z.object({ from: z.string(), to: z.string() })),
		left: z.array(z.object({ key: z.string(), reason: z.string() })),
		next: z.string().nullable().openapi({ description: "pass as `after` to go on; null when finished" }),
	})
	.openapi("ExchangeMigration");

/** The exchange bucket's layout migration (README "Upgrading to per-partner prefixes"). Operator only. */
export const exchangeRoutes = apiApp({ "/exchange": requireAdmin });

exchangeRoutes.openapi(
	createRoute({
		method: "post",
		path: "/exchange/migrate-layout",
		security: BEARER,
		description:
			"Moves objects of the old layout (inbound/<name>, outbound/<DPID>/…, receipts/<DPID>/…) into the partners' prefixes, `limit` at a time. Repeat with `after` = `next` until `next` is null.",
		request: {
			query: z.object({
				after: z.string().max(1024).optional(),
				limit: z.coerce.number().int().min(1).max(500).default(100),
			}),
		},
		responses: {
			200: { description: "what this call moved and left", content: jsonOf(MigrationSchema) },
			400: { description: "bad input", content: ERROR_SCHEMA },
			...UNAUTHORIZED,
		},
	}),
	async (c) => {
		const { after, limit } = c.req.valid("query");
		return c.json(await migrateLegacyLayout(c.env, after ?? null, limit), 200);
	},
);

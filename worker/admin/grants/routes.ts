import { createRoute, z } from "@hono/zod-openapi";
import { sourceGrantSchema } from "../../../core/grants/grant";
import { grantSource, listGrants, revokeSource } from "../../../core/grants/store";
import { globalSource } from "../../../core/partners/global-sources";
import { getPartner } from "../../../core/partners/store";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";
import { DpidParam } from "../partners/schema";

const GrantSchema = sourceGrantSchema.openapi("SourceGrant");
const GrantParams = DpidParam.extend({
	sourceDpid: DpidParam.shape.dpid.openapi({ param: { name: "sourceDpid", in: "path" }, example: "2000" }),
});
const errors = { 400: { description: "bad input", content: ERROR_SCHEMA }, ...UNAUTHORIZED };

/**
 * Access mappings (AAM's term): which other data sources a partner's inbound files may name, as the
 * target of `ftp_dpm_<DPID>_<TARGET>_…` or the master of `adobe_id_<MASTER>_<DPID>_…`. Operator only.
 */
export const grantRoutes = apiApp({ "/grants": requireAdmin, "/partners/:dpid/grants": requireAdmin });

grantRoutes.openapi(
	createRoute({
		method: "get",
		path: "/grants",
		security: BEARER,
		request: { query: z.object({ dpid: z.coerce.number().int().min(1).optional() }) },
		responses: {
			200: { description: "every access mapping", content: jsonOf(z.object({ grants: z.array(GrantSchema) })) },
			...errors,
		},
	}),
	async (c) => c.json({ grants: await listGrants(c.env.DB, c.req.valid("query").dpid ?? null) }, 200),
);

grantRoutes.openapi(
	createRoute({
		method: "put",
		path: "/partners/{dpid}/grants/{sourceDpid}",
		security: BEARER,
		description:
			"Lets partner `dpid` name data source `sourceDpid` in its inbound files: another partner, or one of AAM's global data sources (20914, 20915, …) that its ID-sync files may then write device IDs into. Idempotent.",
		request: { params: GrantParams },
		responses: {
			200: { description: "already granted", content: jsonOf(GrantSchema) },
			201: { description: "granted", content: jsonOf(GrantSchema) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const { dpid, sourceDpid } = c.req.valid("param");
		if (dpid === sourceDpid) fail(400, "a partner always may name its own DPID");
		if (!(await getPartner(c.env.DB, dpid))) fail(404, `no such partner: ${dpid}`);
		// A source is a partner, or one of AAM's global data sources (for ID-sync files writing into it).
		if (!globalSource(sourceDpid) && !(await getPartner(c.env.DB, sourceDpid))) {
			fail(404, `no such partner: ${sourceDpid}`);
		}
		const created = await grantSource(c.env.DB, dpid, sourceDpid, Date.now());
		const grant = (await listGrants(c.env.DB, dpid)).find((g) => g.sourceDpid === sourceDpid);
		if (!grant) fail(404, "no such grant");
		return created ? c.json(grant, 201) : c.json(grant, 200);
	},
);

grantRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partners/{dpid}/grants",
		security: BEARER,
		request: { params: DpidParam },
		responses: {
			200: {
				description: "the sources this partner may name",
				content: jsonOf(z.object({ grants: z.array(GrantSchema) })),
			},
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const { dpid } = c.req.valid("param");
		if (!(await getPartner(c.env.DB, dpid))) fail(404, "no such partner");
		return c.json({ grants: await listGrants(c.env.DB, dpid) }, 200);
	},
);

grantRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/partners/{dpid}/grants/{sourceDpid}",
		security: BEARER,
		request: { params: GrantParams },
		responses: { 204: { description: "revoked" }, ...NOT_FOUND, ...errors },
	}),
	async (c) => {
		const { dpid, sourceDpid } = c.req.valid("param");
		if (!(await revokeSource(c.env.DB, dpid, sourceDpid))) fail(404, "no such grant");
		return c.body(null, 204);
	},
);

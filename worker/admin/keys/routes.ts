import { createRoute, z } from "@hono/zod-openapi";
import { exchangeAreas } from "../../../batch/exchange-layout";
import { listGrants } from "../../../core/grants/store";
import { getPartner } from "../../../core/partners/store";
import { requireAdmin, requirePartner } from "../../auth/middleware";
import { partnerKeySchema } from "../../auth/partner-key";
import { createPartnerKey } from "../../auth/partner-keys";
import { listPartnerKeys, revokePartnerKey } from "../../auth/store";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf, UNAUTHORIZED } from "../openapi";
import { DpidParam } from "../partners/schema";

const KeySchema = partnerKeySchema.openapi("PartnerKey");

export const keyRoutes = apiApp({ "/partners/:dpid/keys": requireAdmin, "/partner/whoami": requirePartner });

keyRoutes.openapi(
	createRoute({
		method: "post",
		path: "/partners/{dpid}/keys",
		security: BEARER,
		request: {
			params: DpidParam,
			body: { content: jsonOf(z.object({ label: z.string().max(100).default("") })), required: false },
		},
		responses: {
			201: {
				description: "the key; `secret` is shown only now",
				content: jsonOf(KeySchema.extend({ secret: z.string() })),
			},
			404: { description: "unknown partner", content: ERROR_SCHEMA },
			...UNAUTHORIZED,
		},
	}),
	async (c) => {
		const { dpid } = c.req.valid("param");
		if (!(await getPartner(c.env.DB, dpid))) fail(404, "no such partner");
		// Without a JSON content type the body is skipped unvalidated: a bare POST makes an unlabelled key.
		const label = c.req.valid("json").label ?? "";
		const { key, secret } = await createPartnerKey(c.env.DB, dpid, label, Date.now());
		return c.json({ ...key, secret }, 201);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partners/{dpid}/keys",
		security: BEARER,
		request: { params: DpidParam },
		responses: {
			200: { description: "keys, never their secrets", content: jsonOf(z.object({ keys: z.array(KeySchema) })) },
			404: { description: "unknown partner", content: ERROR_SCHEMA },
			...UNAUTHORIZED,
		},
	}),
	async (c) => {
		const { dpid } = c.req.valid("param");
		// An empty list would hide a mistyped DPID.
		if (!(await getPartner(c.env.DB, dpid))) fail(404, "no such partner");
		return c.json({ keys: await listPartnerKeys(c.env.DB, dpid) }, 200);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/partners/{dpid}/keys/{keyId}",
		security: BEARER,
		request: {
			params: DpidParam.extend({
				keyId: z
					.string()
					.max(32)
					.openapi({ param: { name: "keyId", in: "path" } }),
			}),
		},
		responses: {
			204: { description: "revoked" },
			404: { description: "no such active key", content: ERROR_SCHEMA },
			...UNAUTHORIZED,
		},
	}),
	async (c) => {
		const { dpid, keyId } = c.req.valid("param");
		if (!(await revokePartnerKey(c.env.DB, dpid, keyId, Date.now()))) fail(404, "no such active key");
		return c.body(null, 204);
	},
);

keyRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partner/whoami",
		security: BEARER,
		responses: {
			200: {
				description:
					"the DPID this partner key acts for, its areas in the exchange bucket, the other data sources it may name",
				content: jsonOf(
					z.object({
						dpid: z.number(),
						prefix: z.string().openapi({ example: "1000/" }),
						inbound: z.string().openapi({ example: "1000/inbound/" }),
						outbound: z.string().openapi({ example: "1000/outbound/" }),
						receipts: z.string().openapi({ example: "1000/receipts/" }),
						grantedSources: z.array(z.number()),
					}),
				),
			},
			...UNAUTHORIZED,
		},
	}),
	async (c) => {
		const dpid = c.get("partnerDpid");
		const grantedSources = (await listGrants(c.env.DB, dpid)).map((g) => g.sourceDpid);
		return c.json({ dpid, ...exchangeAreas(dpid), grantedSources }, 200);
	},
);

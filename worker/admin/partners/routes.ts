import { createRoute, z } from "@hono/zod-openapi";
import { forgetPartnerDirectory } from "../../../core/partners/directory";
import { createPartner, deletePartner, getPartner, listPartners, putPartner } from "../../../core/partners/store";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";
import { CreatePartnerSchema, DpidParam, PartnerSchema, ReplacePartnerSchema } from "./schema";

const errors = {
	400: { description: "bad input", content: ERROR_SCHEMA },
	...UNAUTHORIZED,
};

export const partnerRoutes = apiApp({ "/partners": requireAdmin });

partnerRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partners",
		security: BEARER,
		responses: {
			200: { description: "all partners", content: jsonOf(z.object({ partners: z.array(PartnerSchema) })) },
			...errors,
		},
	}),
	async (c) => c.json({ partners: await listPartners(c.env.DB) }, 200),
);

partnerRoutes.openapi(
	createRoute({
		method: "post",
		path: "/partners",
		security: BEARER,
		request: { body: { content: jsonOf(CreatePartnerSchema), required: true } },
		responses: {
			201: { description: "created", content: jsonOf(PartnerSchema) },
			409: { description: "DPID or integration code taken", content: ERROR_SCHEMA },
			...errors,
		},
	}),
	async (c) => {
		const input = c.req.valid("json");
		const created = await save(input, (p) => createPartner(c.env.DB, p, Date.now()));
		if (!created) fail(409, `partner ${input.dpid} exists`);
		return c.json(created, 201);
	},
);

partnerRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partners/{dpid}",
		security: BEARER,
		request: { params: DpidParam },
		responses: {
			200: { description: "the partner", content: jsonOf(PartnerSchema) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const partner = await getPartner(c.env.DB, c.req.valid("param").dpid);
		if (!partner) fail(404, "no such partner");
		return c.json(partner, 200);
	},
);

partnerRoutes.openapi(
	createRoute({
		method: "put",
		path: "/partners/{dpid}",
		security: BEARER,
		request: { params: DpidParam, body: { content: jsonOf(ReplacePartnerSchema), required: true } },
		responses: {
			200: { description: "replaced (or created)", content: jsonOf(PartnerSchema) },
			409: { description: "integration code taken", content: ERROR_SCHEMA },
			...errors,
		},
	}),
	async (c) => {
		const input = { ...c.req.valid("json"), dpid: c.req.valid("param").dpid };
		return c.json(await save(input, (p) => putPartner(c.env.DB, p, Date.now())), 200);
	},
);

partnerRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/partners/{dpid}",
		security: BEARER,
		request: { params: DpidParam },
		responses: { 204: { description: "deleted" }, ...NOT_FOUND, ...errors },
	}),
	async (c) => {
		if (!(await deletePartner(c.env.DB, c.req.valid("param").dpid))) fail(404, "no such partner");
		forgetPartnerDirectory();
		return c.body(null, 204);
	},
);

/** Writes through `write`, turning a taken integration code into a 409 and refreshing the directory. */
async function save<T>(input: z.infer<typeof CreatePartnerSchema>, write: (p: typeof input) => Promise<T>): Promise<T> {
	try {
		const saved = await write(input);
		forgetPartnerDirectory();
		return saved;
	} catch (err) {
		if (String(err).includes("UNIQUE constraint failed: partners.integration_code")) {
			fail(409, `integration code ${input.integrationCode} belongs to another partner`);
		}
		throw err;
	}
}

import { createRoute, z } from "@hono/zod-openapi";
import { segmentsUsingTrait } from "../../../batch/segments/store";
import { traitSchema } from "../../../batch/traits/schema";
import { deleteTrait, getTrait, listTraits, putTrait } from "../../../batch/traits/store";
import { pairStoreOf } from "../../../core/graph/select";
import { getPartner } from "../../../core/partners/store";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, ID_PARAM, jsonOf, NOT_FOUND, UNAUTHORIZED } from "../openapi";

const TraitSchema = traitSchema
	.extend({ rule: traitSchema.shape.rule.openapi({ example: 'ic == "52"' }) })
	.openapi("Trait");
/**
 * Create or replace: the edge sets the timestamps. Left out, `exactMatch` keeps a stored trait's
 * setting (traits saved before case-insensitive matching stay exact through an edit), else false.
 */
const TraitInput = TraitSchema.omit({ createdAt: true, updatedAt: true })
	.extend({ exactMatch: z.boolean().optional().openapi({ description: "left out: the stored value, else false" }) })
	.strict()
	.openapi("TraitCreate");
const errors = {
	400: { description: "bad input (e.g. a rule that does not parse)", content: ERROR_SCHEMA },
	...UNAUTHORIZED,
};

export const traitRoutes = apiApp({ "/traits": requireAdmin });

traitRoutes.openapi(
	createRoute({
		method: "get",
		path: "/traits",
		security: BEARER,
		request: { query: z.object({ dpid: z.coerce.number().int().min(1).optional() }) },
		responses: {
			200: { description: "traits", content: jsonOf(z.object({ traits: z.array(TraitSchema) })) },
			...errors,
		},
	}),
	async (c) => c.json({ traits: await listTraits(c.env.DB, c.req.valid("query").dpid) }, 200),
);

traitRoutes.openapi(
	createRoute({
		method: "put",
		path: "/traits/{id}",
		security: BEARER,
		request: { params: ID_PARAM, body: { content: jsonOf(TraitInput.omit({ id: true })), required: true } },
		responses: { 200: { description: "created or replaced", content: jsonOf(TraitSchema) }, ...errors },
	}),
	async (c) => {
		const body = c.req.valid("json");
		const id = c.req.valid("param").id;
		if (!(await getPartner(c.env.DB, body.dpid))) fail(400, `dpid: no partner ${body.dpid}`);
		const exactMatch = body.exactMatch ?? (await getTrait(c.env.DB, id))?.exactMatch ?? false;
		return c.json(await putTrait(c.env.DB, { ...body, id, exactMatch }, Date.now()), 200);
	},
);

traitRoutes.openapi(
	createRoute({
		method: "get",
		path: "/traits/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			200: { description: "the trait", content: jsonOf(TraitSchema) },
			...NOT_FOUND,
			...errors,
		},
	}),
	async (c) => {
		const trait = await getTrait(c.env.DB, c.req.valid("param").id);
		if (!trait) fail(404, "no such trait");
		return c.json(trait, 200);
	},
);

traitRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/traits/{id}",
		security: BEARER,
		request: { params: ID_PARAM },
		responses: {
			204: { description: "deleted with its memberships" },
			...NOT_FOUND,
			409: { description: "named by a segment rule", content: ERROR_SCHEMA },
			...errors,
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		// A rule naming a missing trait would silently change who is in the segment.
		const users = await segmentsUsingTrait(c.env.DB, id);
		if (users.length > 0) fail(409, `trait ${id} is used by segment(s) ${users.join(", ")}; change their rules first`);
		if (!(await deleteTrait(c.env.DB, pairStoreOf(c.env), id))) fail(404, "no such trait");
		return c.body(null, 204);
	},
);

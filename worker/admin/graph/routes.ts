import { createRoute, z } from "@hono/zod-openapi";
import { getCopy } from "../../../batch/graph-copy/store";
import { startGraphCopy } from "../../../batch/graph-copy/workflow";
import { settingsOf } from "../../../core/config/settings";
import { pairStoreOf } from "../../../core/graph/select";
import { UUID_PATTERN } from "../../../core/uuid";
import { requireAdmin } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { apiApp, BEARER, ERROR_SCHEMA, jsonOf, UNAUTHORIZED } from "../openapi";

/**
 * The ID graph, read through the store that holds it (D1 or the shards): what an operator needs to
 * answer a data subject's access request or a support question. Operator only: a partner must not
 * learn another partner's IDs of its users.
 */
export const graphRoutes = apiApp({
	"/visitors": requireAdmin,
	"/partners/:dpid/ids": requireAdmin,
	"/graph/copies": requireAdmin,
});

const PairSchema = z.object({ dpid: z.number(), dpuuid: z.string(), firstSeen: z.number(), lastSeen: z.number() });
const VisitorSchema = z
	.object({
		uuid: z.string(),
		optedOutAt: z.number().nullable().openapi({ description: "Unix ms of the global opt-out, or null" }),
		pairs: z
			.array(PairSchema)
			.openapi({ description: "partner IDs mapped to this visitor, first and last seen in Unix ms" }),
		traits: z.array(z.object({ traitId: z.number(), dpid: z.number() })),
		segments: z.array(z.number()).openapi({ description: "ids of the segments the visitor is in now" }),
		segmentHistory: z
			.array(z.object({ segmentId: z.number(), enteredAt: z.number(), leftAt: z.number().nullable() }))
			.openapi({ description: "every segment entered (Unix ms), and when it was left; exits are kept for iter files" }),
	})
	.openapi("Visitor");
const PartnerIdSchema = z
	.object({
		dpid: z.number(),
		dpuuid: z.string(),
		uuid: z.string().nullable().openapi({ description: "the visitor it maps to; null once erased by an opt-out" }),
		firstSeen: z.number().nullable(),
		lastSeen: z.number().nullable(),
		pairedAt: z.number().nullable().openapi({ description: "when it got (or moved to) this visitor" }),
		optedOutAt: z.number().nullable(),
	})
	.openapi("PartnerId");
const NOTHING = { description: "the graph holds nothing of it", content: ERROR_SCHEMA };

graphRoutes.openapi(
	createRoute({
		method: "get",
		path: "/visitors/{uuid}",
		security: BEARER,
		request: {
			params: z.object({
				uuid: z
					.string()
					.regex(UUID_PATTERN)
					.openapi({ param: { name: "uuid", in: "path" } }),
			}),
		},
		responses: {
			200: { description: "everything held of the visitor", content: jsonOf(VisitorSchema) },
			...UNAUTHORIZED,
			404: NOTHING,
		},
	}),
	async (c) => {
		const { uuid } = c.req.valid("param");
		const graph = pairStoreOf(c.env);
		const [record, held] = await Promise.all([graph.visitor(uuid), graph.memberships(uuid)]);
		if (record.optedOutAt === null && record.pairs.length + held.traits.length + held.segments.length === 0) {
			fail(404, "no such visitor in the graph");
		}
		return c.json({ ...record, ...held }, 200);
	},
);

graphRoutes.openapi(
	createRoute({
		method: "get",
		path: "/partners/{dpid}/ids/{dpuuid}",
		security: BEARER,
		request: {
			params: z.object({
				dpid: z.coerce
					.number()
					.int()
					.min(1)
					.openapi({ param: { name: "dpid", in: "path" } }),
				dpuuid: z
					.string()
					.min(1)
					.max(256)
					.openapi({ param: { name: "dpuuid", in: "path" } }),
			}),
		},
		responses: {
			200: { description: "the visitor the partner ID maps to", content: jsonOf(PartnerIdSchema) },
			...UNAUTHORIZED,
			404: NOTHING,
		},
	}),
	async (c) => {
		const { dpid, dpuuid } = c.req.valid("param");
		const record = await pairStoreOf(c.env).partnerId(dpid, dpuuid);
		if (record.uuid === null && record.optedOutAt === null) fail(404, "no such partner ID in the graph");
		return c.json(record, 200);
	},
);

const CopySchema = z
	.object({
		id: z.string(),
		startedAt: z.number(),
		finishedAt: z.number().nullable(),
		phase: z.string().openapi({ description: "opt_outs, partner_opt_outs, tombstones, pairs, then done" }),
		copied: z.record(z.string(), z.number()).openapi({ description: "rows copied per phase" }),
		counts: z
			.object({ d1: z.unknown(), shards: z.unknown(), complete: z.boolean() })
			.nullable()
			.openapi({ description: "at the end: D1's counts beside the shards'; complete = reads may switch" }),
	})
	.openapi("GraphCopy");

graphRoutes.openapi(
	createRoute({
		method: "post",
		path: "/graph/copies",
		security: BEARER,
		request: {
			body: {
				required: false,
				content: {
					"application/json": {
						schema: z.object({ pageSize: z.number().int().min(100).max(10_000).optional() }).strict(),
					},
				},
			},
		},
		responses: {
			202: {
				description: "the copy started; follow it at /graph/copies/{id}",
				content: jsonOf(z.object({ id: z.string() })),
			},
			...UNAUTHORIZED,
			409: {
				description: "writes do not reach both stores (GRAPH_STORE is not d1+shards or shards+d1)",
				content: ERROR_SCHEMA,
			},
		},
	}),
	async (c) => {
		const { graphStore } = settingsOf(c.env);
		// Without dual writes, whatever the edge writes during the copy would reach one store only.
		if (graphStore !== "d1+shards" && graphStore !== "shards+d1") {
			fail(409, `GRAPH_STORE is ${graphStore}: set d1+shards (write both, read D1) before copying`);
		}
		const { pageSize } = c.req.valid("json") ?? {};
		const id = await startGraphCopy(c.env, Date.now(), pageSize ? { pageSize } : {});
		return c.json({ id }, 202);
	},
);

graphRoutes.openapi(
	createRoute({
		method: "get",
		path: "/graph/copies/{id}",
		security: BEARER,
		request: {
			params: z.object({
				id: z
					.string()
					.regex(/^graph-copy-\d+$/)
					.openapi({ param: { name: "id", in: "path" } }),
			}),
		},
		responses: {
			200: { description: "where the copy is, and its counts once done", content: jsonOf(CopySchema) },
			...UNAUTHORIZED,
			404: NOTHING,
		},
	}),
	async (c) => {
		const copy = await getCopy(c.env.DB, c.req.valid("param").id);
		if (!copy) fail(404, "no such graph copy");
		return c.json(copy, 200);
	},
);

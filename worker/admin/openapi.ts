import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { InputError } from "../../core/input-error";
import type { AppEnv } from "../http/types";

/**
 * An OpenAPI sub-app with each `guarded` path prefix behind its auth middleware. Validation failures
 * become InputErrors, so every bad body or parameter is answered by the one error renderer: 400 with
 * each field path and problem.
 */
export function apiApp(guarded: Record<string, MiddlewareHandler<AppEnv>> = {}): OpenAPIHono<AppEnv> {
	const app = new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) {
				throw new InputError(
					result.error.issues.map((issue) => `${issue.path.join(".") || result.target}: ${issue.message}`),
				);
			}
		},
	});
	// Each guarded prefix: the collection itself and everything below it.
	for (const [prefix, guard] of Object.entries(guarded)) app.use(prefix, guard).use(`${prefix}/*`, guard);
	return app;
}

export const ERROR_SCHEMA = {
	"application/json": {
		schema: {
			type: "object",
			properties: { error: { type: "string" }, details: { type: "array", items: { type: "string" } } },
		},
	},
} as const;

/** A JSON body or response of `schema`, in OpenAPI route terms. */
export function jsonOf<T extends z.ZodType>(schema: T) {
	return { "application/json": { schema } };
}

/** Every admin route takes a bearer credential (the admin token or a partner key). */
export const BEARER = [{ bearer: [] }];

export const UNAUTHORIZED = { 401: { description: "no or wrong token", content: ERROR_SCHEMA } } as const;
export const NOT_FOUND = { 404: { description: "unknown", content: ERROR_SCHEMA } } as const;

/** `{id}` in a resource path: a positive integer (traits, segments, destinations). */
export const ID_PARAM = z.object({
	id: z.coerce
		.number()
		.int()
		.min(1)
		.openapi({ param: { name: "id", in: "path" } }),
});

import type { MiddlewareHandler } from "hono";
import { fail } from "./errors";
import type { AppEnv } from "./types";

/** Longest request URL accepted; real sync calls are far below it (20 pairs of 256 bytes ≈ 6 KB). */
export const MAX_URL_BYTES = 8_192;

export const limitUrlLength: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (c.req.url.length > MAX_URL_BYTES) fail(414, `URL longer than ${MAX_URL_BYTES} bytes`);
	await next();
};

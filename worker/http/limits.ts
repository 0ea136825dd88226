import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { fail } from "./errors";
import type { AppEnv } from "./types";

/** Longest request URL accepted; real sync calls are far below it (20 pairs of 256 bytes ≈ 6 KB). */
export const MAX_URL_BYTES = 8_192;

export const limitUrlLength: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (c.req.url.length > MAX_URL_BYTES) fail(414, `URL longer than ${MAX_URL_BYTES} bytes`);
	await next();
};

/** Admin JSON bodies and dashboard forms are small; anything larger is a mistake or an attack. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** 413 before a body past MAX_ADMIN_BODY_BYTES is buffered (a form is parsed whole). */
export const limitAdminBody: MiddlewareHandler = bodyLimit({
	maxSize: MAX_ADMIN_BODY_BYTES,
	onError: () => fail(413, `body larger than ${MAX_ADMIN_BODY_BYTES} bytes`),
});

import { fail } from "../../http/errors";

/**
 * R2's multipart errors as answers. R2 names them by code in the message ("… (10024)"): an upload id
 * that does not exist under this key (never created, finished, aborted, or another partner's) is 404;
 * parts R2 will not join (too small, wrong ETag, unknown part) are the client's mistake, 400. Anything
 * else is rethrown: a 500 for the one error renderer to log.
 */
const NO_SUCH_UPLOAD = 10024;
const CLIENT_MISTAKES = new Set([10011, 10025, 10048]);

export function r2Refusal(err: unknown): never {
	const message = err instanceof Error ? err.message : String(err);
	const code = Number(/\((\d{5})\)/.exec(message)?.[1]);
	if (code === NO_SUCH_UPLOAD) fail(404, "no such upload (finished, aborted, or never begun under this name)");
	if (CLIENT_MISTAKES.has(code)) fail(400, `R2 refused the parts: ${message}`);
	throw err;
}

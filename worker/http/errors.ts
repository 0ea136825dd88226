import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { InputError } from "../../core/input-error";
import { errorText, logEvent } from "../../core/log";
import { TRANSPARENT_GIF } from "./pixel";
import { REQUEST_ID_HEADER, requestIdOf } from "./request-id";
import type { AppContext, AppEnv } from "./types";

/** Throw to answer with `status` and a short, human-readable reason. */
export function fail(status: ContentfulStatusCode, reason: string, details?: unknown): never {
	throw new HTTPException(status, { message: reason, cause: details });
}

export const REASON_HEADER = "X-Edgesync-Reason";
const MAX_HEADER_REASON = 200;

/**
 * A reason as a header value: a reason can echo what a caller sent, and a header must not carry CR/LF
 * (a second header), NUL or non-ASCII (which the runtime refuses, turning a 400 into a 500). Each such
 * character becomes one "?"; the body still carries the reason in full.
 */
export function reasonForHeader(reason: string): string {
	let out = "";
	for (const ch of reason) {
		if (out.length >= MAX_HEADER_REASON) break;
		out += ch >= " " && ch <= "~" ? ch : "?";
	}
	return out || "error";
}

/** The one place that turns errors into responses, and logs each (one `http.refused` line). */
export const renderError: ErrorHandler<AppEnv> = (err, c) => {
	const codes = err instanceof InputError ? err.codes : [];
	if (err instanceof InputError) err = new HTTPException(400, { message: err.message, cause: err.problems });
	const requestId = requestIdOf(c.req.raw);
	c.header(REQUEST_ID_HEADER, requestId);
	if (!(err instanceof HTTPException)) {
		// The message is for the operator's log only (it may name a secret's problem or a table).
		logRefusal(c, requestId, 500, errorText(err), []);
		return c.json({ error: "internal error" }, 500);
	}
	const status = err.status as ContentfulStatusCode;
	const reason = err.message || "error";
	logRefusal(c, requestId, status, reason, codes);
	c.header(REASON_HEADER, reasonForHeader(reason));
	c.header("Cache-Control", "no-store, private");
	// A protocol's own codes (AAM's DCS errors): `X-Error: 311` and `errors: [{code, msg}]`, as AAM answers.
	if (codes.length > 0) c.header("X-Error", codes.map((e) => e.code).join(","));
	const style = c.get("errorStyle") ?? "text";
	if (style === "json") {
		const details = err.cause ? { details: err.cause } : {};
		return c.json({ error: reason, ...details, ...(codes.length > 0 ? { errors: codes } : {}) }, status);
	}
	// A broken vendor page embeds us as <img>: keep answering an image so it does not break.
	if (style === "pixel" && (c.req.header("Accept") ?? "").includes("image/")) {
		return c.body(TRANSPARENT_GIF, status, { "Content-Type": "image/gif" });
	}
	return c.text(reason, status);
};

/**
 * 4xx at warn (the caller's doing), 5xx at error (the edge's). The route is the registered pattern of
 * the handler the request reached, never its URL: /ibs paths and queries carry partner user IDs.
 */
function logRefusal(
	c: AppContext,
	requestId: string,
	status: number,
	reason: string,
	codes: readonly { code: number }[],
) {
	const dpid = c.get("partnerDpid");
	logEvent(status >= 500 ? "error" : "warn", {
		event: "http.refused",
		requestId,
		method: c.req.method,
		route: routePath(c, -1) || "(none)",
		status,
		reason,
		...(dpid === undefined ? {} : { dpid }),
		...(codes.length > 0 ? { codes: codes.map((e) => e.code) } : {}),
	});
}

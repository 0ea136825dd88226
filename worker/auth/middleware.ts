import type { Context, MiddlewareHandler } from "hono";
import { fail } from "../http/errors";
import type { AppEnv } from "../http/types";
import { partnerOfKey } from "./partner-keys";
import { secretsEqual } from "./secrets";

/** `Authorization: Bearer <token>`, or null. */
function bearer(header: string | undefined): string | null {
	const m = /^Bearer +(\S+)$/i.exec(header ?? "");
	return m?.[1] ?? null;
}

function unauthorized(c: Context<AppEnv>, reason: string): never {
	c.header("WWW-Authenticate", 'Bearer realm="edgesync"');
	fail(401, reason);
}

/** The operator: `Bearer <ADMIN_TOKEN>`. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
	c.set("errorStyle", "json");
	const token = bearer(c.req.header("Authorization"));
	if (!token) unauthorized(c, "missing bearer token");
	if (!(await secretsEqual(token, c.env.ADMIN_TOKEN ?? ""))) unauthorized(c, "invalid token");
	await next();
};

/**
 * The operator or a partner: the admin token passes with no DPID restriction; a partner key sets
 * `partnerDpid`, and routes must then only show or change that partner's data.
 */
export const requireAdminOrPartner: MiddlewareHandler<AppEnv> = async (c, next) => {
	c.set("errorStyle", "json");
	const token = bearer(c.req.header("Authorization"));
	if (!token) unauthorized(c, "missing bearer token");
	if (!(await secretsEqual(token, c.env.ADMIN_TOKEN ?? ""))) {
		const dpid = await partnerOfKey(c.env.DB, token);
		if (dpid === null) unauthorized(c, "invalid token or partner key");
		c.set("partnerDpid", dpid);
	}
	await next();
};

/** Only a partner key (e.g. uploads, which are always on behalf of one partner). */
export const requirePartner: MiddlewareHandler<AppEnv> = async (c, next) => {
	c.set("errorStyle", "json");
	const token = bearer(c.req.header("Authorization"));
	const dpid = token ? await partnerOfKey(c.env.DB, token) : null;
	if (dpid === null) unauthorized(c, token ? "invalid partner key" : "missing partner key");
	c.set("partnerDpid", dpid);
	await next();
};

/**
 * Unless the caller is the operator or the partner `dpid` itself, answers exactly as for something
 * that does not exist (404 "no such <what>"): a partner never learns whether another partner's run,
 * receipt or numbers exist.
 */
export function assertMayActFor(partnerDpid: number | undefined, dpid: number, what = "partner"): void {
	if (partnerDpid !== undefined && partnerDpid !== dpid) fail(404, `no such ${what}`);
}

import type { Context, MiddlewareHandler } from "hono";
import { secretsOf } from "../../core/config/secrets";
import { secretsEqual } from "../../core/crypto";
import { fail } from "../http/errors";
import type { AppEnv } from "../http/types";
import { beginAttempt } from "./failure-throttle";
import { partnerOfKey } from "./partner-keys";

/** `Authorization: Bearer <token>`, or null. */
function bearer(header: string | undefined): string | null {
	const m = /^Bearer +(\S+)$/i.exec(header ?? "");
	return m?.[1] ?? null;
}

function unauthorized(c: Context<AppEnv>, reason: string): never {
	c.header("WWW-Authenticate", 'Bearer realm="edgesync"');
	fail(401, reason);
}

/** Who a presented token is ("operator", or a partner's DPID), or null when it is nobody's. */
type Identify<T> = (token: string, env: Env) => Promise<T | null>;

/**
 * The request's bearer credential, identified inside the failure throttle: a client with too many
 * failed credentials gets 429 before this one is checked; a wrong one counts and gets 401.
 */
async function identified<T>(c: Context<AppEnv>, identify: Identify<T>, missing: string, wrong: string): Promise<T> {
	c.set("errorStyle", "json");
	const token = bearer(c.req.header("Authorization"));
	if (!token) unauthorized(c, missing);
	const attempt = await beginAttempt(c);
	const who = await identify(token, c.env);
	await attempt.settle(who !== null);
	if (who === null) unauthorized(c, wrong);
	return who;
}

const isAdminToken = async (token: string, env: Env) =>
	(await secretsEqual(token, secretsOf(env).adminToken)) ? ("operator" as const) : null;
const adminOrPartner = async (token: string, env: Env) =>
	(await isAdminToken(token, env)) ?? (await partnerOfKey(env.DB, token));
const partnerOnly = (token: string, env: Env) => partnerOfKey(env.DB, token);

/** The operator: `Bearer <ADMIN_TOKEN>`. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
	await identified(c, isAdminToken, "missing bearer token", "invalid token");
	await next();
};

/**
 * The operator or a partner: the admin token passes with no DPID restriction; a partner key sets
 * `partnerDpid`, and routes must then only show or change that partner's data.
 */
export const requireAdminOrPartner: MiddlewareHandler<AppEnv> = async (c, next) => {
	const who = await identified(c, adminOrPartner, "missing bearer token", "invalid token or partner key");
	if (who !== "operator") c.set("partnerDpid", who);
	await next();
};

/** Only a partner key (e.g. uploads, which are always on behalf of one partner). */
export const requirePartner: MiddlewareHandler<AppEnv> = async (c, next) => {
	c.set("partnerDpid", await identified(c, partnerOnly, "missing partner key", "invalid partner key"));
	await next();
};

/**
 * A partner key when one is presented: server-to-server calls on public routes (an opt-out naming a
 * device by `d_uuid`) carry one, browsers none. A wrong key is refused (and counted), never ignored.
 */
export const optionalPartner: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (c.req.header("Authorization") !== undefined) {
		c.set("partnerDpid", await identified(c, partnerOnly, "missing partner key", "invalid partner key"));
	}
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

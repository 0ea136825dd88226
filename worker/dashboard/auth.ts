import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { secretsOf } from "../../core/config/secrets";
import { secretsEqual } from "../../core/crypto";
import { partnerOfKey } from "../auth/partner-keys";
import type { AppEnv } from "../http/types";
import {
	credentialOf,
	newSessionId,
	SESSION_COOKIE,
	SESSION_PATH,
	SESSION_TTL_SECONDS,
	type Session,
	sealSessionId,
	sessionIdOf,
} from "./session";
import { deleteSession, insertSession, liveSession } from "./store";

export type DashEnv = { Bindings: Env; Variables: AppEnv["Variables"] & { session: Session } };
export type DashContext = Context<DashEnv>;
type Who = Pick<Session, "role" | "dpid" | "keyId">;

// Secure + HttpOnly: never sent in clear, never readable by script. SameSite=Strict: never sent by
// another site's page, so a cross-site form cannot act in the operator's name. Path: only /admin.
const COOKIE = { path: SESSION_PATH, secure: true, httpOnly: true, sameSite: "Strict" } as const;

/** Who a presented admin token or partner key is, or null. Keys are hashed and compared in constant time. */
export async function whoIs(env: Env, presented: string): Promise<Who | null> {
	if (await secretsEqual(presented, secretsOf(env).adminToken)) return { role: "operator", dpid: null, keyId: null };
	const dpid = await partnerOfKey(env.DB, presented);
	const keyId = /^es_([A-Za-z0-9]{12})_/.exec(presented)?.[1];
	return dpid === null || !keyId ? null : { role: "partner", dpid, keyId };
}

export async function startSession(c: DashContext, who: Who): Promise<void> {
	const { sessionSecret, adminToken } = secretsOf(c.env);
	const now = Date.now();
	const id = newSessionId();
	const credential = who.role === "operator" ? await credentialOf(sessionSecret, adminToken) : null;
	await insertSession(c.env.DB, { id, ...who, credential, expiresAt: now + SESSION_TTL_SECONDS * 1000 }, now);
	setCookie(c, SESSION_COOKIE, await sealSessionId(sessionSecret, id), { ...COOKIE, maxAge: SESSION_TTL_SECONDS });
}

/** Logout: the session's row goes, so every copy of its cookie is refused from now on. */
export async function endSession(c: DashContext): Promise<void> {
	await deleteSession(c.env.DB, c.get("session").id);
	deleteCookie(c, SESSION_COOKIE, COOKIE);
}

/**
 * The live session a request's cookie names, or null: the MAC must be right (SESSION_SECRET), the row
 * must exist and not have expired, a partner's key must still be valid, and an operator session must
 * have been opened with the current ADMIN_TOKEN.
 */
async function sessionOf(c: DashContext): Promise<Session | null> {
	const { sessionSecret, adminToken } = secretsOf(c.env);
	const id = await sessionIdOf(sessionSecret, getCookie(c, SESSION_COOKIE));
	const row = id === null ? null : await liveSession(c.env.DB, id, Date.now());
	if (!row) return null;
	if (
		row.role === "operator" &&
		!(await secretsEqual(row.credential ?? "", await credentialOf(sessionSecret, adminToken)))
	)
		return null;
	return { id: row.id, role: row.role, dpid: row.dpid, keyId: row.key_id, expiresAt: row.expires_at };
}

/** Pages behind a login: no live session goes to the login form (and a dead cookie is dropped). */
export const requireSession: MiddlewareHandler<DashEnv> = async (c, next) => {
	const session = await sessionOf(c);
	if (!session) {
		if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, COOKIE);
		return c.redirect(`${SESSION_PATH}/login`, 303);
	}
	c.set("session", session);
	await next();
};

/** The partner a page is limited to, or null for the operator (everything). */
export function scopeOf(c: DashContext): number | null {
	const session = c.get("session");
	return session.role === "operator" ? null : session.dpid;
}

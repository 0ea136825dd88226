import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { partnerOfKey } from "../auth/partner-keys";
import { secretsEqual } from "../auth/secrets";
import type { AppEnv } from "../http/types";
import { keyStillValid } from "./queries";
import {
	newSession,
	openSession,
	SESSION_COOKIE,
	SESSION_PATH,
	SESSION_TTL_SECONDS,
	type Session,
	sealSession,
} from "./session";

export type DashEnv = { Bindings: Env; Variables: AppEnv["Variables"] & { session: Session } };
export type DashContext = Context<DashEnv>;

/** Who a presented admin token or partner key is, or null. Keys are hashed and compared in constant time. */
export async function whoIs(env: Env, presented: string) {
	if (await secretsEqual(presented, env.ADMIN_TOKEN ?? ""))
		return { role: "operator", dpid: null, keyId: null } as const;
	const dpid = await partnerOfKey(env.DB, presented);
	const keyId = /^es_([A-Za-z0-9]{12})_/.exec(presented)?.[1];
	return dpid === null || !keyId ? null : ({ role: "partner", dpid, keyId } as const);
}

export async function startSession(c: DashContext, who: Pick<Session, "role" | "dpid" | "keyId">): Promise<void> {
	const value = await sealSession(c.env.ADMIN_TOKEN, newSession(who, Date.now()));
	// Secure + HttpOnly: never sent in clear, never readable by script. SameSite=Strict: never sent by
	// another site's page, so a cross-site form cannot act in the operator's name. Path: only /admin.
	setCookie(c, SESSION_COOKIE, value, {
		path: SESSION_PATH,
		secure: true,
		httpOnly: true,
		sameSite: "Strict",
		maxAge: SESSION_TTL_SECONDS,
	});
}

export function endSession(c: DashContext): void {
	deleteCookie(c, SESSION_COOKIE, { path: SESSION_PATH, secure: true, httpOnly: true, sameSite: "Strict" });
}

/** Pages behind a login: no valid session (or a revoked partner key) goes to the login form. */
export const requireSession: MiddlewareHandler<DashEnv> = async (c, next) => {
	const session = await openSession(c.env.ADMIN_TOKEN ?? "", getCookie(c, SESSION_COOKIE), Date.now());
	const valid =
		session !== null &&
		(session.role === "operator" ||
			(session.dpid !== null &&
				session.keyId !== null &&
				(await keyStillValid(c.env.DB, session.keyId, session.dpid))));
	if (!session || !valid) {
		if (session) endSession(c);
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

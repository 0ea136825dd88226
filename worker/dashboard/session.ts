import { hmacSha256, secretsEqual } from "../../core/crypto";
import { base64url } from "../../core/encoding";

/**
 * Dashboard sessions live in D1 (dashboard_sessions): the cookie carries only a random session id and
 * a MAC of it made with SESSION_SECRET, so a forged cookie is refused without a query, and logout
 * (deleting the row) refuses every copy of the cookie at once. The CSRF token of a session's forms is a
 * MAC of its id too: an attacker's page can neither read nor compute it.
 */
export const SESSION_COOKIE = "es_session";
export const SESSION_PATH = "/admin";
export const SESSION_TTL_SECONDS = 8 * 3600;

export interface Session {
	id: string;
	role: "operator" | "partner";
	dpid: number | null;
	keyId: string | null;
	expiresAt: number;
}

/** A MAC of `text` for one purpose; purposes are kept apart so no MAC can stand in for another. */
async function mac(secret: string, purpose: string, text: string): Promise<string> {
	return base64url(await hmacSha256(secret, purpose, text));
}

/** A new session id: 32 random bytes. */
export function newSessionId(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The cookie value for a session id. */
export async function sealSessionId(secret: string, id: string): Promise<string> {
	return `${id}.${await mac(secret, "session", id)}`;
}

/** The session id a cookie value carries, or null when it is malformed or its MAC is wrong. */
export async function sessionIdOf(secret: string, value: string | undefined): Promise<string | null> {
	const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
	if (!m?.[1] || !m[2]) return null;
	return (await secretsEqual(m[2], await mac(secret, "session", m[1]))) ? m[1] : null;
}

/**
 * What an operator session remembers of the ADMIN_TOKEN it logged in with (a MAC, never the token):
 * a session opened with a token that has since been rotated is refused.
 */
export function credentialOf(secret: string, adminToken: string): Promise<string> {
	return mac(secret, "admin token", adminToken);
}

/** The token every form of this session carries. */
export function csrfToken(secret: string, session: Session): Promise<string> {
	return mac(secret, "csrf", session.id);
}

export async function csrfValid(secret: string, session: Session, given: unknown): Promise<boolean> {
	return typeof given === "string" && secretsEqual(given, await csrfToken(secret, session));
}

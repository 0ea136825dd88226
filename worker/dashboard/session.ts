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

const encoder = new TextEncoder();
// The imported key per secret. Only a finished key is shared between requests, never an import in
// flight: a request must not await another request's work (see partners/directory.ts).
const keys = new Map<string, CryptoKey>();

async function hmacKey(secret: string): Promise<CryptoKey> {
	const cached = keys.get(secret);
	if (cached) return cached;
	const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	keys.set(secret, key);
	return key;
}

/** A MAC of `text` for one purpose; purposes are kept apart so no MAC can stand in for another. */
async function mac(secret: string, purpose: string, text: string): Promise<string> {
	const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${purpose}\0${text}`));
	return b64url(new Uint8Array(sig));
}

/** A new session id: 32 random bytes. */
export function newSessionId(): string {
	return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The cookie value for a session id. */
export async function sealSessionId(secret: string, id: string): Promise<string> {
	return `${id}.${await mac(secret, "session", id)}`;
}

/** The session id a cookie value carries, or null when it is malformed or its MAC is wrong. */
export async function sessionIdOf(secret: string, value: string | undefined): Promise<string | null> {
	const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
	if (!m?.[1] || !m[2]) return null;
	return (await sameText(m[2], await mac(secret, "session", m[1]))) ? m[1] : null;
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
	return typeof given === "string" && sameText(given, await csrfToken(secret, session));
}

/** Constant-time comparison of two MACs (hashed first so the lengths match). */
export async function sameText(a: string, b: string): Promise<boolean> {
	const [x, y] = await Promise.all([a, b].map((t) => crypto.subtle.digest("SHA-256", encoder.encode(t))));
	return x !== undefined && y !== undefined && crypto.subtle.timingSafeEqual(x, y);
}

function b64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

import { z } from "zod";

/**
 * Dashboard sessions: a signed cookie, so no session table and nothing to clean up. The signing key is
 * derived from ADMIN_TOKEN, so rotating the token ends every session. The cookie holds no secret: an
 * operator session says "operator", a partner session names the partner and its key id, and the key is
 * checked for revocation on every page (auth.ts).
 */
export const SESSION_COOKIE = "es_session";
export const SESSION_PATH = "/admin";
export const SESSION_TTL_SECONDS = 8 * 3600;

const sessionSchema = z.object({
	role: z.enum(["operator", "partner"]),
	dpid: z.number().int().positive().nullable(),
	keyId: z.string().max(64).nullable(),
	exp: z.number().int(),
	// Random per session: the CSRF token is derived from it.
	nonce: z.string().min(16).max(64),
});
export type Session = z.infer<typeof sessionSchema>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(adminToken: string): Promise<CryptoKey> {
	let key = keys.get(adminToken);
	if (!key) {
		key = crypto.subtle
			.digest("SHA-256", encoder.encode(`edgesync dashboard session\0${adminToken}`))
			.then((raw) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
		keys.set(adminToken, key);
	}
	return key;
}

async function mac(adminToken: string, text: string): Promise<string> {
	const sig = await crypto.subtle.sign("HMAC", await hmacKey(adminToken), encoder.encode(text));
	return b64url(new Uint8Array(sig));
}

export function newSession(who: Pick<Session, "role" | "dpid" | "keyId">, now: number): Session {
	const nonce = b64url(crypto.getRandomValues(new Uint8Array(18)));
	return { ...who, exp: Math.floor(now / 1000) + SESSION_TTL_SECONDS, nonce };
}

export async function sealSession(adminToken: string, session: Session): Promise<string> {
	const body = b64url(encoder.encode(JSON.stringify(session)));
	return `${body}.${await mac(adminToken, body)}`;
}

/** The session in a cookie value, or null when it is forged, malformed or expired. */
export async function openSession(adminToken: string, value: string | undefined, now: number) {
	if (!adminToken || !value) return null;
	const [body = "", sig = ""] = value.split(".");
	if (!(await sameText(sig, await mac(adminToken, body)))) return null;
	try {
		const parsed = sessionSchema.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(body))));
		return parsed.success && parsed.data.exp > now / 1000 ? parsed.data : null;
	} catch {
		return null;
	}
}

/** The token every form of this session carries: an attacker's page can neither read nor compute it. */
export function csrfToken(adminToken: string, session: Session): Promise<string> {
	return mac(adminToken, `csrf\0${session.nonce}`);
}

export async function csrfValid(adminToken: string, session: Session, given: unknown): Promise<boolean> {
	return typeof given === "string" && sameText(given, await csrfToken(adminToken, session));
}

/** Constant-time comparison of two MACs (hashed first so the lengths match). */
async function sameText(a: string, b: string): Promise<boolean> {
	const [x, y] = await Promise.all([a, b].map((t) => crypto.subtle.digest("SHA-256", encoder.encode(t))));
	return x !== undefined && y !== undefined && crypto.subtle.timingSafeEqual(x, y);
}

function b64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array {
	const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

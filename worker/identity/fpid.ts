import { secretsEqual } from "../../core/crypto";
import { isUuid } from "../../core/uuid";

/**
 * The tag's first-party copy of the UUID (`_es_id`, sent back as `fpid`) is `<uuid>.<MAC>`: the edge
 * adopts a UUID from a page only with a MAC made with FPID_SECRET, so knowing (or guessing) a visitor's
 * UUID is not enough to become that visitor or to opt them out.
 *
 * The MAC is HMAC-SHA-256 truncated to 128 bits (RFC 4868's truncation for HMAC-SHA-256), 22 base64url
 * characters: forging one is a 2^-128 guess per request, harder than guessing the 126-bit UUID itself,
 * and every guess costs a rate-limited call. Longer would only lengthen the cookie on every request.
 */
export const FPID_MAC_BYTES = 16;
const FPID_SHAPE = /^(\d{38})\.([A-Za-z0-9_-]{22})$/;

const encoder = new TextEncoder();
// The imported key, per secret. A resolved CryptoKey holds no request's I/O, so sharing it is safe.
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

async function mac(uuid: string, secret: string): Promise<string> {
	// The label keeps these MACs apart from anything else that might ever be signed with the same secret.
	const full = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`edgesync fpid\0${uuid}`));
	return base64url(new Uint8Array(full, 0, FPID_MAC_BYTES));
}

/** The signed copy of `uuid` the tag stores and sends back. */
export async function signFpid(uuid: string, secret: string): Promise<string> {
	if (!isUuid(uuid)) throw new Error("only a UUID can be signed");
	return `${uuid}.${await mac(uuid, secret)}`;
}

/**
 * The UUID in a signed copy, or null when the value is absent, unsigned (a bare UUID, the tag's old
 * format), truncated, or carries a MAC made for another UUID or with another secret. Compared in
 * constant time.
 */
export async function verifiedFpid(value: string | undefined | null, secret: string): Promise<string | null> {
	const match = typeof value === "string" ? FPID_SHAPE.exec(value) : null;
	if (!match) return null;
	const [, uuid = "", given = ""] = match;
	return (await secretsEqual(given, await mac(uuid, secret))) ? uuid : null;
}

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}

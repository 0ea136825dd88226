import { base64url, hex } from "./encoding";

/** Hashing, MACs, constant-time comparison and random tokens, for every secret the edge checks. */
const encoder = new TextEncoder();

export async function sha256(text: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

export async function sha256Hex(text: string): Promise<string> {
	return hex(await sha256(text));
}

/**
 * Compares two secrets in constant time. Both are hashed first, so the comparison always runs over
 * 32 bytes and neither the content nor the length of the expected secret leaks through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
	const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
	return crypto.subtle.timingSafeEqual(a, b) && expected.length > 0;
}

// The imported HMAC key per secret. Only a finished key is shared between requests, never an import
// in flight: workerd fails a request that awaits another request's work.
const hmacKeys = new Map<string, CryptoKey>();

async function hmacKey(secret: string): Promise<CryptoKey> {
	const cached = hmacKeys.get(secret);
	if (cached) return cached;
	const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	hmacKeys.set(secret, key);
	return key;
}

/**
 * HMAC-SHA-256 of `text` for one `purpose` (the label is part of the signed bytes, so a MAC made for
 * one purpose can never stand in for another made with the same secret).
 */
export async function hmacSha256(secret: string, purpose: string, text: string): Promise<Uint8Array> {
	const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${purpose}\0${text}`));
	return new Uint8Array(mac);
}

/** URL-safe base64 of `bytes` random bytes. */
export function randomToken(bytes: number): string {
	return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

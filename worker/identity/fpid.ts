import { hmacSha256, secretsEqual } from "../../core/crypto";
import { base64url } from "../../core/encoding";
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

async function mac(uuid: string, secret: string): Promise<string> {
	// The label keeps these MACs apart from anything else that might ever be signed with the same secret.
	return base64url((await hmacSha256(secret, "edgesync fpid", uuid)).subarray(0, FPID_MAC_BYTES));
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

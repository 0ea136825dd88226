import { sha256 } from "../../core/crypto";
import { hex } from "../../core/encoding";

/** A strong ETag: the first 128 bits of the SHA-256 of the UTF-8 bytes, hex. */
export async function strongEtag(text: string): Promise<string> {
	return `"${hex((await sha256(text)).subarray(0, 16))}"`;
}

/**
 * RFC 9110 §13.1.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"` (intermediaries
 * that compress a response weaken its ETag); `*` matches any current representation.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false;
	if (ifNoneMatch.trim() === "*") return true;
	return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

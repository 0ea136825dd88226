/** Byte encodings used across the edge (digests, MACs, tokens, e-mail parts), written once. */

export function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text: string): Uint8Array {
	return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** Standard base64 (with padding), as MIME and S3's Content-MD5 want it. */
export function base64(bytes: Uint8Array): string {
	let binary = "";
	// In slices: spreading a large array into one call would overflow the argument limit.
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

/** URL- and cookie-safe base64 without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
	return base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array {
	const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
	return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

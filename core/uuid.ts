/**
 * The platform's visitor ID: 126 random bits written as 38 zero-padded decimal digits
 * (2^126 < 10^38), the shape AAM-integrated vendors validate.
 */
export const UUID_PATTERN = /^\d{38}$/;
export const NOTARGET = "NOTARGET";

export function mintUuid(): string {
	const words = crypto.getRandomValues(new Uint32Array(4));
	let value = 0n;
	for (const word of words) value = (value << 32n) | BigInt(word);
	value >>= 2n; // keep 126 bits
	return value.toString().padStart(38, "0");
}

export function isUuid(value: string | undefined | null): value is string {
	return typeof value === "string" && UUID_PATTERN.test(value);
}

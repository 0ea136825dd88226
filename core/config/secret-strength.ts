/**
 * How strong a secret must be. Pure (no Worker types), so `npm start` checks .dev.vars with it too.
 * Each secret must be at least MIN_SECRET_CHARS long and look random: an estimate of its entropy from
 * its own characters refuses `aaaa…` or `abab…` of any length.
 */
export const MIN_SECRET_CHARS = 32;
/**
 * Random values score far above this (32 random hex digits: 92–128 in 100,000 draws; 32 base64url
 * characters: about 150); repeated patterns score far below (`abab…` of 40 characters: 40).
 */
const MIN_ESTIMATED_BITS = 80;

/** Why `value` is not good enough as a secret, or null. */
export function secretProblem(value: string): string | null {
	if (value.length === 0) return "is not set";
	if (value.length < MIN_SECRET_CHARS) return `is shorter than ${MIN_SECRET_CHARS} characters`;
	if (estimatedBits(value) < MIN_ESTIMATED_BITS) return "does not look random (too few distinct characters)";
	return null;
}

/** Length × the Shannon entropy of the value's own character frequencies. */
function estimatedBits(value: string): number {
	const counts = new Map<string, number>();
	for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
	let perChar = 0;
	for (const n of counts.values()) {
		const p = n / value.length;
		perChar -= p * Math.log2(p);
	}
	return perChar * value.length;
}

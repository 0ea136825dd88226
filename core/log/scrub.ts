/**
 * Free text on its way into a log line (a refusal's reason, an error message) with what looks like
 * personal data replaced: e-mail addresses, IP addresses and edgesync UUIDs (38 digits). This is the
 * second line of defence: the first is that no event has a field for such data and no reason is built
 * from a partner user ID (docs/operations.md "What a log line never holds"). Partner user IDs have no
 * shape to recognise, so they are kept out by construction, not by this.
 */
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Three colons or more, or "::": clock times (12:30:00) have two and stay.
const IPV6 =
	/\b(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}\b|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?/g;
const UUID = /\d{38}/g;

/** The longest free text a line carries: enough for any reason of the edge, bounded for a partner's answer. */
export const MAX_TEXT = 500;

export function scrub(text: string): string {
	const cleaned = text
		.replace(EMAIL, "[email]")
		.replace(UUID, "[uuid]")
		.replace(IPV6, "[ip]")
		.replace(IPV4, "[ip]")
		// A line stays one line.
		.replace(/\p{Cc}/gu, " ");
	return cleaned.length <= MAX_TEXT ? cleaned : `${cleaned.slice(0, MAX_TEXT - 1)}…`;
}

/** An error as one scrubbed line: its message (its name too when that says more than "Error"). */
export function errorText(err: unknown): string {
	if (!(err instanceof Error)) return scrub(String(err));
	return scrub(err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message);
}

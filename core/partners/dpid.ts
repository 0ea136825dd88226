/** Rules for a partner's user ID (dpuuid) as received in a sync call, after decoding. */
export const MAX_DPUUID_BYTES = 256;

// C0 and C1 control characters, DEL included.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const encoder = new TextEncoder();

/** Returns the reason a decoded partner ID is unacceptable, or null when it is fine. */
export function partnerIdProblem(id: string | null): string | null {
	if (id === null) return "dpuuid is not valid UTF-8";
	if (id.length === 0) return "dpuuid is empty";
	if (encoder.encode(id).length > MAX_DPUUID_BYTES) return `dpuuid longer than ${MAX_DPUUID_BYTES} bytes`;
	if (CONTROL.test(id)) return "dpuuid contains control characters";
	return null;
}

/** DPIDs are positive 31-bit integers written in plain decimal. */
export function parseDpid(raw: string): number | null {
	if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
	const dpid = Number(raw);
	return dpid <= 2_147_483_647 ? dpid : null;
}

/**
 * Audience Manager's DCS error codes and messages, spelled as Adobe documents them ("DCS Error Codes,
 * Messages, and Examples"), so a vendor's parser of AAM answers reads edgesync's. An error may carry
 * edgesync's own `reason` beside AAM's `code` and `msg`. Where AAM's message echoes the caller's ID, the
 * reason does not: the dashboard counts skipped IDs by reason, and a caller must not mint new ones.
 */
export interface DcsError {
	code: number;
	msg: string;
	reason?: string;
}

/** AAM's limits on declared IDs: 10 per call (301, 309), 3 per data source (310). */
export const MAX_IDS_PER_CALL = 10;
export const MAX_IDS_PER_SOURCE = 3;

export const DCS = {
	invalidAamId: (id: string, reason: string): DcsError => ({
		code: 102,
		msg: `Invalid AAM ID passed in request ${id}`,
		reason,
	}),
	allInvalid: (): DcsError => ({ code: 104, msg: "All customer IDs are invalid" }),
	optedOut: (): DcsError => ({ code: 171, msg: "Encountered opt out tag" }),
	cookiesBlocked: (): DcsError => ({ code: 172, msg: "Blocked cookies" }),
	invalidId: (id: string, reason: string): DcsError => ({ code: 300, msg: `Invalid customer id ${id}`, reason }),
	unauthorizedId: (id: string): DcsError => ({
		code: 302,
		msg: `Unauthorized customer id ${id}`,
		reason: "a partner's server call stores its own IDs only",
	}),
	tooManyIds: (found: number): DcsError => ({
		code: 301,
		msg: `Maximum number of customer ids exceeded. Maximum allowed is ${MAX_IDS_PER_CALL}. Found is ${found}.`,
		reason: `more than ${MAX_IDS_PER_CALL} IDs in one call`,
	}),
	overCallLimit: (id: string): DcsError => ({
		code: 309,
		msg: `Customer id ${id} was discarded because it exceeded the limit of declared customer ids per request`,
		reason: `more than ${MAX_IDS_PER_CALL} IDs in one call`,
	}),
	overSourceLimit: (dpid: number, id: string): DcsError => ({
		code: 310,
		msg: `Customer id was discarded because it exceeded the limit for a given namespace. Namespace id is ${dpid}, customer id is ${id}.`,
		reason: `more than ${MAX_IDS_PER_SOURCE} IDs of one data source`,
	}),
	invalidParameters: (): DcsError => ({ code: 311, msg: "Request contains invalid parameters" }),
	invalidDeviceId: (reason: string): DcsError => ({
		code: 312,
		msg: "Request contains an invalid Global Device ID",
		reason,
	}),
	noConsent: (): DcsError => ({ code: 315, msg: "Consent string indicates no consent" }),
};

/** `X-Error: 300,309`: each code once, in the order first met. */
export function xErrorHeader(errors: readonly DcsError[]): string | null {
	const codes = [...new Set(errors.map((e) => e.code))];
	return codes.length > 0 ? codes.join(",") : null;
}

/** An ID as it appears in a message: what the caller sent, cut short and without control characters. */
export function shownId(raw: string): string {
	return raw.slice(0, 100).replace(/\p{Cc}/gu, "?");
}

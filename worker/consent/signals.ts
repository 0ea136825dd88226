import { ConsentInputError } from "./errors";

/** The privacy parameters of one request, as sent (SPEC §3, §4). */
export interface ConsentSignals {
	gdpr?: string;
	gdprConsent?: string;
	usPrivacy?: string;
	gpp?: string;
	gppSid?: string;
}

const PARAMS = {
	gdpr: "gdpr",
	gdprConsent: "gdpr_consent",
	usPrivacy: "us_privacy",
	gpp: "gpp",
	gppSid: "gpp_sid",
} as const satisfies Record<keyof ConsentSignals, string>;

/** Reads gdpr, gdpr_consent, us_privacy, gpp, gpp_sid from any param getter (URLSearchParams.get or Hono c.req.query). */
export function consentSignalsFrom(get: (name: string) => string | null | undefined): ConsentSignals {
	const signals: ConsentSignals = {};
	for (const [key, param] of Object.entries(PARAMS) as [keyof ConsentSignals, string][]) {
		const value = present(get(param));
		if (value !== undefined) signals[key] = value;
	}
	return signals;
}

/**
 * An empty value counts as absent: tags and partner macros expand unknown values to "" (`gdpr=&gdpr_consent=`),
 * and rejecting those would break every page whose CMP has not answered yet.
 */
export function present(value: string | null | undefined): string | undefined {
	return value === null || value === undefined || value === "" ? undefined : value;
}

/** Longest value accepted: TC strings with thousands of vendors stay well below it, abuse does not. */
export const MAX_SIGNAL_LENGTH = 4096;

const US_PRIVACY = /^1[YNyn-]{3}$/;
const GPP_SID = /^-?\d+(?:[,_]-?\d+)*$/;

/** Signals after the syntax checks; "" already folded into absent. */
export interface CheckedSignals {
	gdpr: "0" | "1" | undefined;
	gdprConsent: string | undefined;
	usPrivacy: string | undefined;
	gpp: string | undefined;
	/** Section ids from gpp_sid, or undefined when gpp_sid is absent. */
	gppSid: number[] | undefined;
}

/** Rejects what no CMP would send (a 400), as opposed to well-formed signals that refuse consent. */
export function checkSignals(signals: ConsentSignals): CheckedSignals {
	for (const [key, param] of Object.entries(PARAMS) as [keyof ConsentSignals, string][]) {
		const value = signals[key];
		if (typeof value === "string" && value.length > MAX_SIGNAL_LENGTH) {
			throw new ConsentInputError(`${param} is longer than ${MAX_SIGNAL_LENGTH} characters`);
		}
	}
	const gdpr = present(signals.gdpr);
	if (gdpr !== undefined && gdpr !== "0" && gdpr !== "1") throw new ConsentInputError("gdpr must be 0 or 1");
	const usPrivacy = present(signals.usPrivacy);
	if (usPrivacy !== undefined && !US_PRIVACY.test(usPrivacy)) {
		throw new ConsentInputError("us_privacy must be 1 followed by three of Y, N or -");
	}
	const gppSid = present(signals.gppSid);
	if (gppSid !== undefined && !GPP_SID.test(gppSid)) {
		throw new ConsentInputError("gpp_sid must be a list of section ids separated by , or _");
	}
	return {
		gdpr,
		gdprConsent: present(signals.gdprConsent),
		usPrivacy,
		gpp: present(signals.gpp),
		gppSid: gppSid?.split(/[,_]/).map(Number),
	};
}

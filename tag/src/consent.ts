/** The parts of a TCF v2 `TCData` the tag reads. */
export interface TcData {
	gdprApplies?: boolean;
	tcString?: string;
	eventStatus?: string;
	purpose?: { consents?: Record<string, boolean | undefined> };
}

/**
 * What the page's CMPs said. `tcf: null` means a TCF CMP is on the page but gave no final answer in
 * time; `undefined` fields mean that API is absent or silent.
 */
export interface Answers {
	tcf?: TcData | null;
	usp?: string;
	gpp?: string;
	gppSid?: string;
}

/** Query parameters for `/id` (SPEC §4 names). */
export type Signals = Record<string, string>;

/**
 * Merges the CMP answers into the signals sent to the edge, or `null` when consent is clearly refused
 * and the tag must store and fire nothing. The edge checks vendor consent and GPP sections itself; the
 * tag only stops early on refusals it can see without decoding a string, so a refused visitor causes no
 * request at all.
 */
export function mergeConsent(a: Answers, gdprDefault?: string): Signals | null {
	const s: Signals = {};
	const t = a.tcf;
	if (t !== undefined) {
		// t is null when the CMP never gave a final answer: GDPR may apply and nothing was granted.
		if (t?.gdprApplies === false) s.gdpr = "0";
		else if (t?.purpose?.consents?.[1] && t.tcString) {
			s.gdpr = "1";
			s.gdpr_consent = t.tcString;
		} else return null;
	} else if (gdprDefault === "1") return null;
	else if (gdprDefault === "0") s.gdpr = "0";
	if (a.usp) {
		// US Privacy string "1YYN": the third character is the opt-out of sale.
		if (/^1.y/i.test(a.usp)) return null;
		s.us_privacy = a.usp;
	}
	if (a.gpp) {
		s.gpp = a.gpp;
		if (a.gppSid) s.gpp_sid = a.gppSid;
	}
	return s;
}

import { gppRulings } from "./gpp";
import { ALLOW, type Ruling, refuse } from "./ruling";
import { type CheckedSignals, type ConsentSignals, checkSignals } from "./signals";
import { tcfRuling } from "./tcf";
import { usPrivacyRuling } from "./us-privacy";

/** Deployment settings that shape the decision (see worker/config.ts). */
export interface ConsentPolicy {
	/** The edge's own TCF vendor id; 0 = not registered, so only Purpose 1 is checked for the edge. */
	edgeTcfVendorId: number;
	/** What applies when a request carries no privacy signal at all. */
	consentDefault: "allow" | "deny";
}

export interface Consent {
	/** May the edge set its cookie / store anything at all? */
	readonly edge: boolean;
	/** Why `edge` is false (short text), else null. */
	readonly reason: string | null;
	/** May a pair with / sync to a partner whose TCF vendor id is `vendorId` (null = none configured) happen? Always false when edge is false. */
	forVendor(vendorId: number | null): boolean;
	/** Macro values for partner sync URLs (SPEC §4), raw: the URL builder encodes them. */
	readonly macros: { gdpr: string; gdprConsent: string; usPrivacy: string; gpp: string; gppSid: string };
}

/** Throws ConsentInputError for syntactically invalid input; every well-formed refusal is a Consent with edge false. */
export function evaluateConsent(signals: ConsentSignals, policy: ConsentPolicy): Consent {
	const checked = checkSignals(signals);
	const rulings = rulingsOf(checked, policy);
	const refusal = rulings.find((r) => r.refusal !== null)?.refusal ?? null;
	const vendorChecks = rulings.flatMap((r) => (r.allowsVendor ? [r.allowsVendor] : []));
	return Object.freeze({
		edge: refusal === null,
		reason: refusal,
		forVendor: (vendorId: number | null) =>
			refusal === null && (vendorId === null || vendorChecks.every((allows) => allows(vendorId))),
		macros: Object.freeze({
			gdpr: checked.gdpr ?? "",
			gdprConsent: checked.gdprConsent ?? "",
			usPrivacy: checked.usPrivacy ?? "",
			gpp: checked.gpp ?? "",
			gppSid: signals.gppSid ?? "",
		}),
	});
}

/** Every signal present gives its rulings; all must allow. */
function rulingsOf(s: CheckedSignals, policy: ConsentPolicy): Ruling[] {
	const rulings: Ruling[] = [];
	// A TC string without gdpr= still records the visitor's choice (the CMP decided GDPR applies), so it is
	// honoured; only an explicit gdpr=0 sets it aside.
	if (s.gdpr === "1" && s.gdprConsent === undefined) rulings.push(refuse("gdpr=1 without gdpr_consent"));
	else if (s.gdpr !== "0" && s.gdprConsent !== undefined) {
		rulings.push(tcfRuling(s.gdprConsent, policy.edgeTcfVendorId, "gdpr_consent"));
	}
	if (s.usPrivacy !== undefined) rulings.push(usPrivacyRuling(s.usPrivacy));
	rulings.push(...gppRulings(s.gpp, s.gppSid, policy.edgeTcfVendorId));

	// A gpp string is a signal even when none of its sections apply (gpp_sid=-1 says: no law applies here).
	const signalled =
		rulings.length > 0 || [s.gdpr, s.gdprConsent, s.usPrivacy, s.gpp].some((value) => value !== undefined);
	if (signalled) return rulings;
	return [policy.consentDefault === "allow" ? ALLOW : refuse("no consent signal and the default is deny")];
}

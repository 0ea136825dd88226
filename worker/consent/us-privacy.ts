import { ALLOW, type Ruling, refuse } from "./ruling";

/**
 * The IAB US Privacy string (CCPA): version, notice given, opted out of sale, LSPA covered. Only the third
 * character decides; "-" there means the law does not apply. The syntax was checked before.
 */
export function usPrivacyRuling(usPrivacy: string, source = "us_privacy"): Ruling {
	return usPrivacy.charAt(2).toUpperCase() === "Y" ? refuse(`${source} opt-out of sale`) : ALLOW;
}

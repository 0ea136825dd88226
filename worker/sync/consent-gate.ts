import type { Settings } from "../../core/config/settings";
import { type Consent, type ConsentSignals, evaluateConsent } from "../consent";

/**
 * The request's consent under the deployment policy. Malformed signals throw ConsentInputError, an
 * InputError, which the error renderer answers with 400.
 */
export function consentOf(signals: ConsentSignals, settings: Settings): Consent {
	return evaluateConsent(signals, {
		edgeTcfVendorId: settings.edgeTcfVendorId,
		consentDefault: settings.consentDefault,
	});
}

import type { Settings } from "../config";
import { type Consent, ConsentInputError, type ConsentSignals, evaluateConsent } from "../consent";
import { fail } from "../http/errors";

/** Evaluates the request's consent signals under the deployment policy; malformed signals are a 400. */
export function consentOf(signals: ConsentSignals, settings: Settings): Consent {
	try {
		return evaluateConsent(signals, {
			edgeTcfVendorId: settings.edgeTcfVendorId,
			consentDefault: settings.consentDefault,
		});
	} catch (err) {
		if (err instanceof ConsentInputError) fail(400, err.message);
		throw err;
	}
}

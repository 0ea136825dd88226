import { RestrictionType, TCString } from "@iabtcf/core";
import { ALLOW, type Ruling, refuse } from "./ruling";
import { MAX_TCF_VENDOR_ENTRIES, tcfVendorEntries } from "./tcf-size";

/** TCF Purpose 1: store and/or access information on a device (a cookie, a stored pair). */
const STORAGE_PURPOSE = 1;

/**
 * Applies the TCF rules to one TC string (from gdpr_consent or a GPP tcfeuv2 section): the edge needs
 * Purpose 1 consent and, when it has a vendor id, vendor consent for itself; each partner needs its own.
 * `source` names where the string came from, for the refusal text.
 */
export function tcfRuling(tcString: string, edgeVendorId: number, source: string): Ruling {
	// Before the decoder, whose cost follows the vendor ranges a string declares, not its length.
	const entries = tcfVendorEntries(tcString);
	if (entries === null) return refuse(`${source} does not decode`);
	if (entries > MAX_TCF_VENDOR_ENTRIES) return refuse(`${source} declares more vendor entries than TCF allows`);
	const model = decode(tcString);
	if (!model) return refuse(`${source} does not decode`);
	if (!model.purposeConsents.has(STORAGE_PURPOSE)) return refuse(`no TCF purpose ${STORAGE_PURPOSE} consent`);

	const allowsVendor = (vendorId: number): boolean =>
		model.vendorConsents.has(vendorId) && !publisherForbidsStorage(model, vendorId);
	if (edgeVendorId > 0 && !allowsVendor(edgeVendorId)) {
		return refuse(`no TCF vendor consent for the edge (vendor ${edgeVendorId})`);
	}
	return { ...ALLOW, allowsVendor };
}

type TCModel = ReturnType<typeof TCString.decode>;

function decode(tcString: string): TCModel | null {
	try {
		return TCString.decode(tcString);
	} catch {
		// The library throws DecodingError but also TypeError/RangeError on some garbage; every one of them
		// means the same thing here: the string carries no consent.
		return null;
	}
}

/** A publisher restriction "not allowed" on Purpose 1 overrides the vendor's consent (TCF policy). */
function publisherForbidsStorage(model: TCModel, vendorId: number): boolean {
	return model.publisherRestrictions
		.getRestrictions(vendorId)
		.some((r) => r.purposeId === STORAGE_PURPOSE && r.restrictionType === RestrictionType.NOT_ALLOWED);
}

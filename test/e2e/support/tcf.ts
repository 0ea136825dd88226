import { GVL, TCModel, TCString, type Vendor } from "@iabtcf/core";

/** The edge's TCF vendor id in these tests (EDGE_TCF_VENDOR_ID). */
export const EDGE_VENDOR = 1234;

// Encoding needs a GVL and drops vendors it does not list; this literal stands in for the real one (no network).
const vendor = (id: number): Vendor => ({
	id,
	name: `vendor ${id}`,
	purposes: [1],
	legIntPurposes: [],
	flexiblePurposes: [],
	specialPurposes: [],
	features: [],
	specialFeatures: [],
	policyUrl: "https://vendor.example/privacy",
	usesCookies: true,
	cookieMaxAgeSeconds: null,
	cookieRefresh: false,
	usesNonCookieAccess: false,
});
const gvl = new GVL({
	gvlSpecificationVersion: 2,
	vendorListVersion: 1,
	tcfPolicyVersion: 2,
	lastUpdated: "2024-01-01T00:00:00Z",
	purposes: {
		1: { id: 1, name: "Store and/or access information on a device", description: "", descriptionLegal: "" },
	},
	specialPurposes: {},
	features: {},
	specialFeatures: {},
	stacks: {},
	vendors: { [EDGE_VENDOR]: vendor(EDGE_VENDOR) },
});

/** A real TC string, as a CMP would hand it to the page. */
export function tcString(opts: { purpose1: boolean; vendors: number[] }): string {
	const model = new TCModel(gvl);
	model.cmpId = 10;
	model.cmpVersion = 1;
	if (opts.purpose1) model.purposeConsents.set(1);
	model.vendorConsents.set(opts.vendors);
	return TCString.encode(model);
}

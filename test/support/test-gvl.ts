import { GVL, type Vendor } from "@iabtcf/core";

/**
 * A Global Vendor List for building real TC strings in tests. Encoding needs a GVL and drops vendors it
 * does not list; this literal stands in for the published one (tests have no network). Shared by the
 * workerd consent tests and the browser tests.
 */
export function testGvl(vendorIds: readonly number[]): GVL {
	return new GVL({
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
		vendors: Object.fromEntries(vendorIds.map((id) => [id, vendor(id)])),
	});
}

function vendor(id: number): Vendor {
	return {
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
	};
}

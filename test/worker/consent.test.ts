import { GppModel } from "@iabgpp/cmpapi";
import { PurposeRestriction, RestrictionType, TCModel, TCString } from "@iabtcf/core";
import { describe, expect, it } from "vitest";
import {
	ConsentInputError,
	type ConsentPolicy,
	type ConsentSignals,
	consentSignalsFrom,
	evaluateConsent,
} from "../../worker/consent";
import { testGvl } from "../support/test-gvl";

const EDGE = 1234;
const PARTNER = 77;
const OTHER = 88;
const POLICY: ConsentPolicy = { edgeTcfVendorId: EDGE, consentDefault: "allow" };

const gvl = testGvl([EDGE, PARTNER, OTHER]);

function tcString(opts: { purpose1?: boolean; vendors?: number[]; forbidStorageFor?: number }): string {
	const model = new TCModel(gvl);
	model.cmpId = 10;
	model.cmpVersion = 1;
	model.isServiceSpecific = true; // GPP carries only service-specific TC strings
	if (opts.purpose1 ?? true) model.purposeConsents.set(1);
	model.vendorConsents.set(opts.vendors ?? [EDGE, PARTNER]);
	if (opts.forbidStorageFor !== undefined) {
		model.publisherRestrictions.add(opts.forbidStorageFor, new PurposeRestriction(1, RestrictionType.NOT_ALLOWED));
	}
	return TCString.encode(model);
}

/** A GPP string built with the IAB encoder; `fields` are set per section name. */
function gppString(sections: { tcfeuv2?: string; fields?: Record<string, Record<string, unknown>> }): string {
	const model = new GppModel();
	if (sections.tcfeuv2) model.decodeSection("tcfeuv2", sections.tcfeuv2);
	for (const [section, fields] of Object.entries(sections.fields ?? {})) {
		for (const [name, value] of Object.entries(fields)) model.setFieldValue(section, name, value);
	}
	return model.encode();
}

/**
 * `tcString({})` with its vendor consent section replaced by `entries` ranges of vendors 1–65535: valid
 * to the decoder, which expands every range one vendor at a time.
 */
function tcStringWithRanges(entries: number): string {
	const bits = [...(tcString({}).split(".")[0] ?? "")].map((c) => B64.indexOf(c).toString(2).padStart(6, "0")).join("");
	const field = (value: number, width: number) => value.toString(2).padStart(width, "0");
	const vendorsAt = 213; // the core fields before the vendor section (TCF v2)
	const rangeEncoded = bits[vendorsAt + 16] === "1";
	expect(rangeEncoded).toBe(true); // a few vendors far apart: the encoder picks ranges
	let end = vendorsAt + 29;
	for (let i = Number.parseInt(bits.slice(vendorsAt + 17, vendorsAt + 29), 2); i > 0; i--) {
		end += bits[end] === "1" ? 33 : 17;
	}
	let out = bits.slice(0, vendorsAt) + field(65_535, 16) + field(1, 1) + field(entries, 12);
	out += `${field(1, 1)}${field(1, 16)}${field(65_535, 16)}`.repeat(entries) + bits.slice(end);
	out = out.padEnd(Math.ceil(out.length / 6) * 6, "0");
	return (out.match(/.{6}/g) ?? []).map((sextet) => B64[Number.parseInt(sextet, 2)]).join("");
}
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const consent = (signals: ConsentSignals, policy: Partial<ConsentPolicy> = {}) =>
	evaluateConsent(signals, { ...POLICY, ...policy });

describe("consentSignalsFrom", () => {
	it("reads the five parameters from URLSearchParams and folds empty values into absent", () => {
		const q = new URLSearchParams("gdpr=1&gdpr_consent=&us_privacy=1YNN&gpp=DBABMA~x&gpp_sid=2,6&other=1");
		expect(consentSignalsFrom((n) => q.get(n))).toEqual({
			gdpr: "1",
			usPrivacy: "1YNN",
			gpp: "DBABMA~x",
			gppSid: "2,6",
		});
	});

	it("accepts getters that answer undefined (Hono's c.req.query)", () => {
		expect(consentSignalsFrom(() => undefined)).toEqual({});
	});
});

describe("no signal", () => {
	it("follows consentDefault", () => {
		expect(consent({}).edge).toBe(true);
		expect(consent({}).forVendor(PARTNER)).toBe(true);
		const denied = consent({}, { consentDefault: "deny" });
		expect(denied.edge).toBe(false);
		expect(denied.reason).toMatch(/no consent signal/);
		expect(denied.forVendor(null)).toBe(false);
	});

	it("counts empty parameters and a gpp_sid naming no enforced section as no signal", () => {
		expect(consent({ gdpr: "", gdprConsent: "", gppSid: "-1" }, { consentDefault: "deny" }).edge).toBe(false);
		expect(consent({ gppSid: "5" }).edge).toBe(true);
	});
});

describe("TCF (gdpr, gdpr_consent)", () => {
	it("gdpr=0: GDPR does not apply, any consent string is set aside, and it overrides a deny default", () => {
		const c = consent({ gdpr: "0", gdprConsent: "garbage" }, { consentDefault: "deny" });
		expect(c).toMatchObject({ edge: true, reason: null });
		expect(c.forVendor(PARTNER)).toBe(true);
	});

	it("gdpr=1 without a consent string is no consent", () => {
		expect(consent({ gdpr: "1" })).toMatchObject({ edge: false, reason: "gdpr=1 without gdpr_consent" });
	});

	it("refuses a string whose vendor ranges add up past every vendor ID, before the decoder expands them", () => {
		// 700 ranges of vendors 1–65535 in 3.9 KB: 46 million inserts for the decoder, seconds of CPU.
		const hostile = tcStringWithRanges(700);
		expect(hostile.length).toBeLessThan(4_000);
		expect(consent({ gdpr: "1", gdprConsent: hostile })).toMatchObject({
			edge: false,
			reason: "gdpr_consent declares more vendor entries than TCF allows",
		});
		// One full range is as much as a real list can hold, and is decoded as usual.
		expect(consent({ gdpr: "1", gdprConsent: tcStringWithRanges(1) }).edge).toBe(true);
	});

	it("a string that does not decode is no consent, not an input error", () => {
		for (const garbage of ["garbage", "C", "not-a-tc-string", "%%%"]) {
			expect(consent({ gdpr: "1", gdprConsent: garbage })).toMatchObject({
				edge: false,
				reason: "gdpr_consent does not decode",
			});
		}
	});

	it("grants with Purpose 1 and vendor consent for the edge and the partner", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({}) });
		expect(c).toMatchObject({ edge: true, reason: null });
		expect(c.forVendor(PARTNER)).toBe(true);
		expect(c.forVendor(null)).toBe(true);
	});

	it("refuses without Purpose 1 consent", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({ purpose1: false }) });
		expect(c).toMatchObject({ edge: false, reason: "no TCF purpose 1 consent" });
		expect(c.forVendor(PARTNER)).toBe(false);
	});

	it("refuses without vendor consent for the edge's own vendor id", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({ vendors: [PARTNER] }) });
		expect(c).toMatchObject({ edge: false, reason: `no TCF vendor consent for the edge (vendor ${EDGE})` });
		expect(c.forVendor(PARTNER)).toBe(false);
	});

	it("skips the edge vendor check when edgeTcfVendorId is 0", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({ vendors: [PARTNER] }) }, { edgeTcfVendorId: 0 });
		expect(c.edge).toBe(true);
		expect(c.forVendor(PARTNER)).toBe(true);
		expect(c.forVendor(OTHER)).toBe(false);
		expect(consent({ gdpr: "1", gdprConsent: tcString({ purpose1: false }) }, { edgeTcfVendorId: 0 }).edge).toBe(false);
	});

	it("checks each partner's vendor consent; a partner without a vendor id needs only the edge's", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({ vendors: [EDGE] }) });
		expect(c.edge).toBe(true);
		expect(c.forVendor(PARTNER)).toBe(false);
		expect(c.forVendor(null)).toBe(true);
	});

	it("honours a publisher restriction that forbids Purpose 1 for a vendor", () => {
		const c = consent({ gdpr: "1", gdprConsent: tcString({ vendors: [EDGE, PARTNER], forbidStorageFor: PARTNER }) });
		expect(c.edge).toBe(true);
		expect(c.forVendor(PARTNER)).toBe(false);
	});

	it("honours a TC string sent without gdpr=", () => {
		expect(consent({ gdprConsent: tcString({ purpose1: false }) }).edge).toBe(false);
		expect(consent({ gdprConsent: tcString({}) }, { consentDefault: "deny" }).edge).toBe(true);
	});
});

describe("US privacy (us_privacy)", () => {
	it.each([
		["1YYN", false],
		["1NYN", false],
		["1yyn", false],
		["1YNN", true],
		["1---", true],
	])("%s -> edge %s", (usPrivacy, edge) => {
		const c = consent({ usPrivacy }, { consentDefault: "deny" });
		expect(c.edge).toBe(edge);
		expect(c.reason).toBe(edge ? null : "us_privacy opt-out of sale");
	});
});

describe("GPP (gpp, gpp_sid)", () => {
	it("applies the TCF rules to a tcfeuv2 section", () => {
		const granted = gppString({ tcfeuv2: tcString({}) });
		expect(consent({ gpp: granted, gppSid: "2" }).forVendor(PARTNER)).toBe(true);
		expect(consent({ gpp: granted, gppSid: "2" }).forVendor(OTHER)).toBe(false);
		const refused = gppString({ tcfeuv2: tcString({ purpose1: false }) });
		expect(consent({ gpp: refused, gppSid: "2" })).toMatchObject({ edge: false, reason: "no TCF purpose 1 consent" });
		const noEdge = gppString({ tcfeuv2: tcString({ vendors: [PARTNER] }) });
		expect(consent({ gpp: noEdge, gppSid: "2" }).edge).toBe(false);
	});

	it("refuses on a usnat opt-out of sale, sharing or targeted advertising", () => {
		for (const field of ["SaleOptOut", "SharingOptOut", "TargetedAdvertisingOptOut"]) {
			const gpp = gppString({ fields: { usnat: { [field]: 1 } } });
			expect(consent({ gpp, gppSid: "7" }).edge).toBe(false);
		}
		const c = consent({ gpp: gppString({ fields: { usnat: { SaleOptOut: 1 } } }), gppSid: "7" });
		expect(c.reason).toBe("gpp usnat opt-out of sale");
		expect(consent({ gpp: gppString({ fields: { usnat: { SaleOptOut: 2 } } }), gppSid: "7" }).edge).toBe(true);
	});

	it("refuses on a state section's opt-out, and on a uspv1 section's", () => {
		expect(consent({ gpp: gppString({ fields: { usca: { SharingOptOut: 1 } } }), gppSid: "8" }).reason).toBe(
			"gpp usca opt-out of sharing",
		);
		expect(consent({ gpp: gppString({ fields: { usva: { SaleOptOut: 2 } } }), gppSid: "9" }).edge).toBe(true);
		const usp = gppString({ fields: { uspv1: { Notice: "Y", OptOutSale: "Y", LspaCovered: "N" } } });
		expect(consent({ gpp: usp, gppSid: "6" }).reason).toBe("gpp uspv1 opt-out of sale");
	});

	it("looks only at the sections gpp_sid applies; without gpp_sid, at all of them", () => {
		const gpp = gppString({ tcfeuv2: tcString({ purpose1: false }), fields: { usnat: { SaleOptOut: 2 } } });
		expect(consent({ gpp, gppSid: "7" }).edge).toBe(true);
		expect(consent({ gpp, gppSid: "-1" }, { consentDefault: "deny" }).edge).toBe(true);
		expect(consent({ gpp, gppSid: "7_2" }).edge).toBe(false);
		expect(consent({ gpp }).edge).toBe(false);
	});

	it("refuses an applicable section that the string lacks, and gpp_sid without gpp", () => {
		const usnatOnly = gppString({ fields: { usnat: { SaleOptOut: 2 } } });
		expect(consent({ gpp: usnatOnly, gppSid: "2,7" }).reason).toBe("gpp section 2 is in gpp_sid but not in gpp");
		expect(consent({ gppSid: "2" }).edge).toBe(false);
	});

	it("refuses a tcfeuv2 section whose vendor ranges add up past every vendor ID, before expanding them", () => {
		const section = tcStringWithRanges(700);
		const gpp = gppString({ tcfeuv2: tcString({}), fields: { usnat: { SaleOptOut: 2 } } }).replace(
			tcString({}).split(".")[0] ?? "",
			section,
		);
		expect(gpp).toContain(section);
		expect(consent({ gpp, gppSid: "2,7" })).toMatchObject({
			edge: false,
			reason: "gpp tcfeuv2 section declares more vendor entries than TCF allows",
		});
		// Not applicable, the section is never decoded: the usnat answer stands.
		expect(consent({ gpp, gppSid: "7" }).edge).toBe(true);
	});

	it("treats a gpp string that does not decode as no consent", () => {
		for (const gpp of ["garbage", "DBABM", "DBABM~xx", "DBABzw~xyz~", tcString({})]) {
			expect(consent({ gpp, gppSid: "2" })).toMatchObject({ edge: false, reason: "gpp does not decode" });
		}
	});
});

describe("several signals", () => {
	const granted = tcString({});
	it("all must allow", () => {
		expect(consent({ gdpr: "1", gdprConsent: granted, usPrivacy: "1YNN" }).edge).toBe(true);
		expect(consent({ gdpr: "1", gdprConsent: granted, usPrivacy: "1YYN" }).edge).toBe(false);
		expect(consent({ gdpr: "0", usPrivacy: "1YYN" }).edge).toBe(false);
		const optedOut = gppString({ fields: { usnat: { SaleOptOut: 1 } } });
		expect(consent({ gdpr: "1", gdprConsent: granted, gpp: optedOut, gppSid: "7" }).edge).toBe(false);
	});

	it("a partner needs consent in every TC string sent", () => {
		const gpp = gppString({ tcfeuv2: tcString({ vendors: [EDGE] }) });
		const c = consent({ gdpr: "1", gdprConsent: granted, gpp, gppSid: "2" });
		expect(c.edge).toBe(true);
		expect(c.forVendor(PARTNER)).toBe(false);
	});
});

describe("macros", () => {
	it("carry the raw values, empty when absent", () => {
		const tc = tcString({});
		expect(consent({ gdpr: "1", gdprConsent: tc, usPrivacy: "1YNN", gpp: "DBABMA~x", gppSid: "2_6" }).macros).toEqual({
			gdpr: "1",
			gdprConsent: tc,
			usPrivacy: "1YNN",
			gpp: "DBABMA~x",
			gppSid: "2_6",
		});
		expect(consent({}).macros).toEqual({ gdpr: "", gdprConsent: "", usPrivacy: "", gpp: "", gppSid: "" });
	});
});

describe("input errors", () => {
	it.each<[string, ConsentSignals, RegExp]>([
		["gdpr not 0/1", { gdpr: "2" }, /^gdpr must be 0 or 1$/],
		["gdpr=yes", { gdpr: "yes" }, /gdpr/],
		["us_privacy malformed", { usPrivacy: "zzzz" }, /us_privacy/],
		["us_privacy wrong version", { usPrivacy: "2YNN" }, /us_privacy/],
		["us_privacy too long", { usPrivacy: "1YNNN" }, /us_privacy/],
		["gpp_sid not integers", { gppSid: "2,x" }, /gpp_sid/],
		["gpp_sid trailing separator", { gppSid: "2," }, /gpp_sid/],
		["value over 4,096 characters", { gdprConsent: "C".repeat(4097) }, /gdpr_consent is longer than 4096/],
	])("%s", (_name, signals, message) => {
		const thrown = (() => {
			try {
				consent(signals);
			} catch (err) {
				return err;
			}
		})();
		expect(thrown).toBeInstanceOf(ConsentInputError);
		expect((thrown as ConsentInputError).message).toMatch(message);
	});
});

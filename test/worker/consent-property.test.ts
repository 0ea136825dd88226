import { GppModel } from "@iabgpp/cmpapi";
import { Segment, TCModel, TCString } from "@iabtcf/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Consent, ConsentInputError, type ConsentSignals, evaluateConsent } from "../../worker/consent";
import { MAX_TCF_VENDOR_ENTRIES, tcfVendorEntries } from "../../worker/consent/tcf-size";
import { testGvl } from "../support/test-gvl";

// Valid seeds to mutate, so the decoders are reached with near-valid input and not only rejected at the syntax gate.
const seed = new GppModel();
seed.setFieldValue("tcfeuv2", "CmpId", 10);
seed.setFieldValue("tcfeuv2", "CmpVersion", 1);
seed.setFieldValue("tcfeuv2", "IsServiceSpecific", true);
seed.setFieldValue("tcfeuv2", "PurposeConsents", [true, ...Array<boolean>(23).fill(false)]);
seed.setFieldValue("tcfeuv2", "VendorConsents", [77, 1234]);
seed.setFieldValue("usnat", "SaleOptOut", 2);
const SEED_GPP = seed.encode();
const SEED_TC = SEED_GPP.split("~")[1] ?? "";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~,";
const mutated = (base: string) =>
	fc
		.tuple(fc.nat(base.length), fc.nat(base.length), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 }))
		.map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(Math.min(base.length, at + (cut % 6))));
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: fc.constantFrom(...ALPHABET) }));
const value = (...plausible: fc.Arbitrary<string>[]) => fc.option(fc.oneof(text, ...plausible), { nil: undefined });

const signals: fc.Arbitrary<ConsentSignals> = fc.record(
	{
		gdpr: value(fc.constantFrom("0", "1", "")),
		gdprConsent: value(fc.constant(SEED_TC), mutated(SEED_TC)),
		usPrivacy: value(fc.stringMatching(/^1[YNyn-]{3}$/)),
		gpp: value(fc.constant(SEED_GPP), mutated(SEED_GPP)),
		gppSid: value(fc.stringMatching(/^-?\d{1,3}([,_]-?\d{1,3}){0,3}$/)),
	},
	{ requiredKeys: [] },
);
const vendorId = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5000 }), fc.constantFrom(77, 1234));
const policy = fc.record({
	edgeTcfVendorId: fc.constantFrom(0, 1234, 99),
	consentDefault: fc.constantFrom("allow", "deny") as fc.Arbitrary<"allow" | "deny">,
});

function attempt(s: ConsentSignals, p: Parameters<typeof evaluateConsent>[1]): Consent | ConsentInputError {
	try {
		return evaluateConsent(s, p);
	} catch (err) {
		if (err instanceof ConsentInputError) return err;
		throw err; // anything else fails the property
	}
}

describe("evaluateConsent on arbitrary input", () => {
	it("the seeds are valid and grant consent", () => {
		expect(
			evaluateConsent(
				{ gdpr: "1", gdprConsent: SEED_TC, gpp: SEED_GPP },
				{ edgeTcfVendorId: 1234, consentDefault: "deny" },
			).edge,
		).toBe(true);
	});

	it("throws nothing but ConsentInputError", () => {
		fc.assert(
			fc.property(signals, policy, (s, p) => void attempt(s, p)),
			{ numRuns: 2000 },
		);
	});

	it("never allows a vendor when the edge is refused, and always explains a refusal", () => {
		fc.assert(
			fc.property(signals, policy, fc.array(vendorId, { maxLength: 5 }), (s, p, vendors) => {
				const c = attempt(s, p);
				if (c instanceof ConsentInputError) return;
				expect(c.reason === null).toBe(c.edge);
				if (!c.edge) for (const v of vendors) expect(c.forVendor(v)).toBe(false);
			}),
			{ numRuns: 2000 },
		);
	});

	it("accepts every well-formed signal (only syntax is an input error)", () => {
		const wellFormed = fc.record(
			{
				gdpr: fc.constantFrom("0", "1"),
				gdprConsent: fc.oneof(text, mutated(SEED_TC)),
				usPrivacy: fc.stringMatching(/^1[YNyn-]{3}$/),
				gpp: fc.oneof(text, mutated(SEED_GPP)),
				gppSid: fc.stringMatching(/^-?\d{1,3}([,_]-?\d{1,3}){0,3}$/),
			},
			{ requiredKeys: [] },
		);
		fc.assert(
			fc.property(wellFormed, policy, (s, p) => {
				// The length cap is the one syntax rule a well-formed-looking value can still break.
				fc.pre(Object.values(s).every((v) => v.length <= 4096));
				expect(() => evaluateConsent(s, p)).not.toThrow();
			}),
			{ numRuns: 1000 },
		);
	});
});

describe("TC string size check (property)", () => {
	const ids = Array.from({ length: 3_000 }, (_, i) => i + 1);
	const gvl = testGvl(ids);

	it("sizes every string the IAB encoder makes at no fewer entries than its vendors, within the cap", () => {
		const vendorSet = fc.uniqueArray(fc.integer({ min: 1, max: 3_000 }), { maxLength: 400 });
		fc.assert(
			fc.property(vendorSet, vendorSet, fc.boolean(), (consents, interests, disclosed) => {
				const model = new TCModel(gvl);
				model.cmpId = 10;
				model.cmpVersion = 1;
				model.isServiceSpecific = true;
				model.vendorConsents.set(consents);
				model.vendorLegitimateInterests.set(interests);
				const tc = TCString.encode(model, disclosed ? { segments: [Segment.CORE, Segment.VENDORS_DISCLOSED] } : {});
				const entries = tcfVendorEntries(tc);
				// What the encoder kept (it drops interests in vendors that declare none), as the decoder reads it.
				const decoded = TCString.decode(tc);
				const held =
					decoded.vendorConsents.size + decoded.vendorLegitimateInterests.size + decoded.vendorsDisclosed.size;
				expect(entries).not.toBeNull();
				expect(entries).toBeGreaterThanOrEqual(held);
				expect(decoded.vendorConsents.size).toBe(consents.length);
				expect(entries).toBeLessThanOrEqual(MAX_TCF_VENDOR_ENTRIES);
			}),
			{ numRuns: 60 },
		);
	});

	it("never throws, whatever the text", () => {
		fc.assert(
			fc.property(fc.oneof(text, mutated(SEED_TC)), (s) => {
				const entries = tcfVendorEntries(s);
				expect(entries === null || entries >= 0).toBe(true);
			}),
		);
	});
});

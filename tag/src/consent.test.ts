import { describe, expect, it } from "vitest";
import { type Answers, mergeConsent, type TcData } from "./consent";

const granted: TcData = {
	gdprApplies: true,
	tcString: "CPgranted",
	eventStatus: "tcloaded",
	purpose: { consents: { 1: true } },
};
const refused: TcData = {
	gdprApplies: true,
	tcString: "CPrefused",
	eventStatus: "useractioncomplete",
	purpose: { consents: { 1: false } },
};

describe("mergeConsent", () => {
	it.each<[string, Answers, string | undefined, Record<string, string> | null]>([
		["no CMP, no default: the edge's default decides", {}, undefined, {}],
		["no CMP, data-gdpr=0", {}, "0", { gdpr: "0" }],
		["no CMP, data-gdpr=1: nobody can grant consent", {}, "1", null],
		["TCF grants purpose 1", { tcf: granted }, "1", { gdpr: "1", gdpr_consent: "CPgranted" }],
		["TCF refuses purpose 1", { tcf: refused }, undefined, null],
		["TCF without purpose data", { tcf: { gdprApplies: true, tcString: "CPx" } }, undefined, null],
		["TCF with consent but no string", { tcf: { ...granted, tcString: "" } }, undefined, null],
		["TCF says GDPR does not apply", { tcf: { gdprApplies: false } }, "1", { gdpr: "0" }],
		["TCF CMP silent until the timeout", { tcf: null }, "0", null],
		["US privacy, no opt-out", { usp: "1YNN" }, undefined, { us_privacy: "1YNN" }],
		["US privacy not applicable", { usp: "1---" }, undefined, { us_privacy: "1---" }],
		["US privacy opt-out of sale", { usp: "1YYN" }, undefined, null],
		["US privacy opt-out, lower case", { usp: "1nyn" }, undefined, null],
		[
			"GPP is passed on for the edge to decide",
			{ gpp: "DBABMA~x", gppSid: "2" },
			undefined,
			{ gpp: "DBABMA~x", gpp_sid: "2" },
		],
		["GPP: no section applies (-1)", { gpp: "DBAA", gppSid: "-1" }, undefined, { gpp: "DBAA", gpp_sid: "-1" }],
		["GPP without a list of applicable sections", { gpp: "DBAA", gppSid: "" }, undefined, { gpp: "DBAA" }],
		[
			"all three together",
			{ tcf: granted, usp: "1YNN", gpp: "DBABMA~x", gppSid: "2" },
			undefined,
			{ gdpr: "1", gdpr_consent: "CPgranted", us_privacy: "1YNN", gpp: "DBABMA~x", gpp_sid: "2" },
		],
		["a refusal anywhere wins", { tcf: granted, usp: "1YYN" }, undefined, null],
	])("%s", (_name, answers, gdprDefault, expected) => {
		expect(mergeConsent(answers, gdprDefault)).toEqual(expected);
	});
});

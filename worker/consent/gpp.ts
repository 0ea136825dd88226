import { Sections, TcfEuV2, UspV1 } from "@iabgpp/cmpapi";
import { decodeGpp, type GppSection } from "./gpp-decode";
import { ALLOW, type Ruling, refuse } from "./ruling";
import { tcfRuling } from "./tcf";

/** MSPA fields whose value 1 means "opted out"; a state section carries the subset its law defines. */
const US_OPT_OUTS = {
	SaleOptOut: "opt-out of sale",
	SharingOptOut: "opt-out of sharing",
	TargetedAdvertisingOptOut: "opt-out of targeted advertising",
} as const;
const OPTED_OUT = 1;

/** US national (7) and every state section the library knows (8 and up), so new states need no code here. */
const US_SECTION_IDS = new Set(
	[...Sections.SECTION_ID_NAME_MAP].filter(([id, name]) => name.startsWith("us") && id !== UspV1.ID).map(([id]) => id),
);

function enforced(id: number): boolean {
	return id === TcfEuV2.ID || id === UspV1.ID || US_SECTION_IDS.has(id);
}

/**
 * Rulings of a GPP signal: one per applicable section this edge enforces (TCF EU v2, US Privacy v1, US national
 * and states). Applicable sections are gpp_sid's; without gpp_sid, every section in the string. An applicable
 * section that the string lacks (or gpp_sid without gpp) is no consent: the CMP said the law applies but sent no choice.
 */
export function gppRulings(gpp: string | undefined, gppSid: number[] | undefined, edgeVendorId: number): Ruling[] {
	if (gpp === undefined && gppSid === undefined) return [];
	const sections = gpp === undefined ? new Map<number, GppSection>() : decodeGpp(gpp);
	if (!sections) return [refuse("gpp does not decode")];
	const applicable = new Set((gppSid ?? [...sections.keys()]).filter(enforced));
	return [...applicable].map((id) => {
		const section = sections.get(id);
		if (!section) return refuse(`gpp section ${id} is in gpp_sid but not in gpp`);
		return sectionRuling(section, edgeVendorId);
	});
}

function sectionRuling(section: GppSection, edgeVendorId: number): Ruling {
	if (section.id === TcfEuV2.ID) return tcfRuling(section.raw, edgeVendorId, "gpp tcfeuv2 section");
	if (section.id === UspV1.ID) {
		return section.fields.OptOutSale === "Y" ? refuse("gpp uspv1 opt-out of sale") : ALLOW;
	}
	for (const [field, label] of Object.entries(US_OPT_OUTS)) {
		if (section.fields[field] === OPTED_OUT) return refuse(`gpp ${section.name} ${label}`);
	}
	return ALLOW;
}

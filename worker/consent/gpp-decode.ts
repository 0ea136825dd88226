import { GppModel, HeaderV1, Sections, TcfCaV1, TcfEuV2 } from "@iabgpp/cmpapi";
import { tcfVendorEntries } from "./tcf-size";

/** One section of a GPP string: its text as sent and the fields the IAB library decoded from it. */
export interface GppSection {
	readonly id: number;
	readonly name: string;
	readonly raw: string;
	readonly fields: Readonly<Record<string, unknown>>;
}

/** Sections in TCF's format, whose vendor ranges the library expands one vendor at a time. */
const TCF_FORMAT = new Set([TcfEuV2.ID, TcfCaV1.ID]);

/**
 * Decodes the sections of a GPP string with the IAB reference library, or returns null when one does not
 * decode: a half-readable string is treated as no consent, never as a partial one. Sections in TCF's
 * format keep only their text: the TCF EU section is decoded by `tcfRuling`, after its size check (the
 * library would expand a hostile range list for seconds first), and the Canadian one is not enforced.
 * Sections the library does not know yet are left out (they cannot be enforced anyway).
 */
export function decodeGpp(gpp: string): Map<number, GppSection> | null {
	// The library also accepts a bare TC string ("C…") as GPP; a CMP that sends one in `gpp` is broken,
	// and TC strings have their own parameter.
	if (!gpp.startsWith("D")) return null;
	try {
		const [header = "", ...raws] = gpp.split("~");
		const ids: unknown = new HeaderV1(header).getFieldValue("SectionIds");
		if (!Array.isArray(ids) || ids.length !== raws.length) return null;
		// The model decodes a section when it is asked for it, so each one below is decoded once, or not at all.
		const model = new GppModel(gpp);
		const sections = new Map<number, GppSection>();
		for (const [i, id] of ids.entries()) {
			const name = typeof id === "number" ? Sections.SECTION_ID_NAME_MAP.get(id) : undefined;
			if (typeof id !== "number" || !name) continue;
			const raw = raws[i] ?? "";
			if (TCF_FORMAT.has(id)) {
				if (id === TcfEuV2.ID && tcfVendorEntries(raw) === null) return null;
				sections.set(id, { id, name, raw, fields: {} });
				continue;
			}
			const fields: unknown = model.getSection(name);
			if (isRecord(fields)) sections.set(id, { id, name, raw, fields });
		}
		return sections;
	} catch {
		// DecodingError mostly, but garbage can also surface as TypeError/RangeError from inside the decoder.
		return null;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

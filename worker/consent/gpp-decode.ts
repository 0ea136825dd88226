import { GppModel, HeaderV1, Sections } from "@iabgpp/cmpapi";

/** One section of a GPP string: its text as sent and the fields the IAB library decoded from it. */
export interface GppSection {
	readonly id: number;
	readonly name: string;
	readonly raw: string;
	readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Decodes every section of a GPP string with the IAB reference library, or returns null when any part
 * does not decode: a half-readable string is treated as no consent, never as a partial one.
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
		const model = new GppModel(gpp);
		model.toObject(); // decodes lazily otherwise: force it so a broken section fails here
		const sections = new Map<number, GppSection>();
		ids.forEach((id: unknown, i) => {
			const name = typeof id === "number" ? Sections.SECTION_ID_NAME_MAP.get(id) : undefined;
			const fields: unknown = name ? model.getSection(name) : null;
			if (typeof id === "number" && name && isRecord(fields)) {
				sections.set(id, { id, name, raw: raws[i] ?? "", fields });
			}
		});
		return sections;
	} catch {
		// DecodingError mostly, but garbage can also surface as TypeError/RangeError from inside the decoder.
		return null;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

import { type Partner, partnerSchema } from "./partner";

/**
 * AAM's global data sources: device advertising IDs that every customer may sync and send ("Global Data
 * Sources"; formats from "Index of IDs in Audience Manager"). They are built in: `/ibs` and opt-outs
 * take them by DPID (`d_cid=20915%01<IDFA>`) and by integration code (`d_cid_ic=DSID_20915%01<IDFA>`;
 * AAM documents DSID_20914 and DSID_20915, and the others follow the same pattern) without the operator
 * creating them, and an ID in the wrong format is refused with AAM's 312.
 */
export interface GlobalSource {
	dpid: number;
	name: string;
	integrationCode: string;
	format: RegExp;
	formatText: string;
}

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
const UPPER_TEXT = "32 uppercase hexadecimal digits as 8-4-4-4-12";
const LOWER_TEXT = "32 lowercase hexadecimal digits as 8-4-4-4-12";

function source(dpid: number, name: string, format: RegExp, formatText: string): GlobalSource {
	return { dpid, name, integrationCode: `DSID_${dpid}`, format, formatText };
}

export const GLOBAL_SOURCES: readonly GlobalSource[] = [
	source(20914, "Google Advertising ID (GAID)", LOWER_UUID, LOWER_TEXT),
	source(20915, "Apple ID for Advertisers (IDFA)", UPPER_UUID, UPPER_TEXT),
	source(121963, "Roku ID for Advertising (RIDA)", LOWER_UUID, LOWER_TEXT),
	source(389146, "Microsoft Advertising ID (MAID)", ALPHANUMERIC, "letters and digits"),
	source(963906, "Samsung Tizen ID for Advertising (TIFA)", ALPHANUMERIC, "letters and digits"),
	source(488258, "Amazon Fire TV Advertising ID", LOWER_UUID, LOWER_TEXT),
	source(1171485, "LG webOS TV ID (LGUDID)", LOWER_UUID, LOWER_TEXT),
	source(1171489, "Vizio ID for Advertising (IFA)", ALPHANUMERIC, "letters and digits"),
];

const BY_DPID = new Map(GLOBAL_SOURCES.map((s) => [s.dpid, s]));

/** The global data source with this DPID, or undefined. */
export function globalSource(dpid: number): GlobalSource | undefined {
	return BY_DPID.get(dpid);
}

/**
 * Why `id` is not a device ID of global data source `dpid`, as an inbound receipt counts it (AAM's
 * "Invalid Device ID", under Invalid AAM ID): the source and the format it takes. Null when it is one,
 * and for any other DPID.
 */
export function inboundDeviceIdProblem(dpid: number, id: string): string | null {
	const global = BY_DPID.get(dpid);
	if (!global || global.format.test(id)) return null;
	return `invalid device ID: data source ${dpid} (${global.name}) takes ${global.formatText}`;
}

/** Why `id` is not a device ID of global data source `dpid`, or null (also for any other DPID). */
export function deviceIdProblem(dpid: number, id: string): string | null {
	const global = BY_DPID.get(dpid);
	if (!global || global.format.test(id)) return null;
	return `${global.name} IDs are ${global.formatText}`;
}

/** A global data source as the partner directory holds it: no sync URL, no redirects, no keys. */
export function globalSourcePartner(s: GlobalSource): Partner {
	const { dpid, name, integrationCode } = s;
	return partnerSchema.parse({ dpid, name, integrationCode, createdAt: 0, updatedAt: 0 });
}

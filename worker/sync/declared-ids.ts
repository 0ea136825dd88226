import type { PartnerDirectory } from "../../core/partners/directory";
import { parseDpid, partnerIdProblem } from "../../core/partners/dpid";
import { deviceIdProblem } from "../../core/partners/global-sources";
import type { Partner } from "../../core/partners/partner";
import { strictDecode } from "./params";

/** A declared ID the call's partner may store: a partner's user ID for the visitor. */
export interface PairClaim {
	partner: Partner;
	dpuuid: string;
	/** d_cid's optional third field: 0 unknown, 1 authenticated, 2 logged out. */
	authState: 0 | 1 | 2 | null;
}

/**
 * One declared ID as read from a call (AAM's "Declared IDs": `d_cid`, `d_cid_ic`, `dpid`+`dpuuid`),
 * before limits: a claim, an ID that is invalid on its own, or one whose bytes cannot be decoded (a
 * request AAM disregards as a whole, error 311).
 */
export type DeclaredId =
	| { kind: "claim"; raw: string; claim: PairClaim }
	/** `device`: a global data source's ID in the wrong format (AAM's 312 beside the 300). */
	| { kind: "invalid"; raw: string; reason: string; device?: true }
	| { kind: "undecodable"; raw: string; reason: string };

const invalid = (raw: string, reason: string): DeclaredId => ({ kind: "invalid", raw, reason });

/**
 * `d_cid=<DPID>%01<UID>[%01<auth>]` and `d_cid_ic=<code>%01<UID>`: the UID was percent-encoded on its
 * own before being joined, so the raw value is split on the literal `%01` and each field decoded once.
 */
export function readCid(name: "d_cid" | "d_cid_ic", raw: string, partners: PartnerDirectory): DeclaredId {
	const fields = raw.split(/%01/i).map(strictDecode);
	if (fields.length < 2 || fields.length > 3) return invalid(raw, `${name} must be <id>%01<user id>[%01<auth state>]`);
	const [key = null, dpuuid = null, authRaw] = fields;
	if (key === null) return { kind: "undecodable", raw, reason: `${name}: the id before %01 is not valid UTF-8` };
	const problem = partnerIdProblem(dpuuid);
	if (dpuuid === null || authRaw === null)
		return { kind: "undecodable", raw, reason: `${name}: ${problem ?? "not valid UTF-8"}` };
	const found = name === "d_cid" ? partnerOfDpid(key, partners) : partnerOfCode(key, partners);
	if ("problem" in found) return invalid(raw, found.problem);
	if (problem) return invalid(raw, `${name}: ${problem}`);
	const authState = authRaw === undefined ? null : (["0", "1", "2"].indexOf(authRaw) as 0 | 1 | 2 | -1);
	if (authState === -1) return invalid(raw, `${name}: auth state must be 0, 1 or 2`);
	const device = deviceIdProblem(found.partner.dpid, dpuuid);
	if (device) return { kind: "invalid", raw, reason: device, device: true };
	return { kind: "claim", raw, claim: { partner: found.partner, dpuuid, authState } };
}

/** The deprecated `dpid=<DPID>&dpuuid=<UID>` (or `d_dpid`/`d_dpuuid`) pair. */
export function readDpidPair(dpidRaw: string, dpuuidRaw: string, partners: PartnerDirectory): DeclaredId {
	const raw = `${dpidRaw}:${dpuuidRaw}`;
	const dpidText = strictDecode(dpidRaw);
	const dpuuid = strictDecode(dpuuidRaw);
	if (dpidText === null || dpuuid === null)
		return { kind: "undecodable", raw, reason: "dpid or dpuuid is not valid UTF-8" };
	const found = partnerOfDpid(dpidText, partners);
	if ("problem" in found) return invalid(raw, found.problem);
	const problem = partnerIdProblem(dpuuid);
	if (problem) return invalid(raw, problem);
	const device = deviceIdProblem(found.partner.dpid, dpuuid);
	if (device) return { kind: "invalid", raw, reason: device, device: true };
	return { kind: "claim", raw, claim: { partner: found.partner, dpuuid, authState: null } };
}

export function partnerOfDpid(raw: string, partners: PartnerDirectory): { partner: Partner } | { problem: string } {
	const dpid = parseDpid(raw);
	if (dpid === null) return { problem: "dpid must be a positive integer" };
	const partner = partners.byDpid.get(dpid);
	return partner ? { partner } : { problem: `unknown dpid ${dpid}` };
}

function partnerOfCode(code: string, partners: PartnerDirectory): { partner: Partner } | { problem: string } {
	const partner = partners.byIntegrationCode.get(code);
	return partner ? { partner } : { problem: `unknown integration code ${JSON.stringify(code.slice(0, 64))}` };
}

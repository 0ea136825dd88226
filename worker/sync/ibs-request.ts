import { InputError } from "../../core/input-error";
import type { PartnerDirectory } from "../../core/partners/directory";
import { parseDpid, partnerIdProblem } from "../../core/partners/dpid";
import type { Partner } from "../../core/partners/partner";
import { type ConsentSignals, consentSignalsFrom } from "../consent";
import { allRaw, firstRaw, lenientGetter, type RawParams, strictDecode } from "./params";

/** Most ID pairs one call may carry: enough for a page's worth of d_cid, small enough to bound the work. */
export const MAX_PAIRS_PER_CALL = 20;
/** The marker the cookie bounce adds to the URL it redirects to. */
export const BOUNCE_MARKER = "es_cb";

export interface PairClaim {
	partner: Partner;
	dpuuid: string;
	/** d_cid's optional third field: 0 unknown, 1 authenticated, 2 logged out. */
	authState: 0 | 1 | 2 | null;
}

/** A validated /ibs call. Any invalid part rejects the whole call (InputError), so nothing half-valid is stored. */
export interface IbsCall {
	claims: PairClaim[];
	/** The partner whose redirect allow-list applies (the dpid parameter, or the claims' single partner). */
	owner: Partner | null;
	redir: string | null;
	json: boolean;
	bounced: boolean;
	consent: ConsentSignals;
}

export function parseIbsCall(params: RawParams, partners: PartnerDirectory): IbsCall {
	const problems: string[] = [];
	const claims: PairClaim[] = [];
	const owner = readDpidForm(params, partners, claims, problems);
	readCidForms(params, partners, claims, problems);
	if (claims.length > MAX_PAIRS_PER_CALL) problems.push(`at most ${MAX_PAIRS_PER_CALL} ID pairs per call`);

	const redirRaw = firstRaw(params, "redir", "d_redir");
	const redir = redirRaw === undefined ? null : strictDecode(redirRaw);
	if (redirRaw !== undefined && redir === null) problems.push("redir is not valid UTF-8");
	const redirOwner = owner ?? singlePartner(claims);
	if (redir !== null && !redirOwner) problems.push("redir needs the dpid of the partner it belongs to");
	if (!owner && claims.length === 0 && problems.length === 0) problems.push("dpid is missing");

	if (problems.length > 0) throw new InputError(problems.slice(0, 5));
	const get = lenientGetter(params);
	return {
		claims,
		owner: redirOwner,
		redir,
		json: get("d_rtbd") === "json",
		bounced: get(BOUNCE_MARKER) === "1",
		consent: consentSignalsFrom(get),
	};
}

/** `dpid=…&dpuuid=…` and the deprecated `d_dpid=…&d_dpuuid=…`. A dpid alone asks only for the UUID. */
function readDpidForm(params: RawParams, partners: PartnerDirectory, claims: PairClaim[], problems: string[]) {
	const dpidRaw = firstRaw(params, "dpid", "d_dpid");
	const dpuuidRaw = firstRaw(params, "dpuuid", "d_dpuuid");
	if (dpidRaw === undefined) {
		if (dpuuidRaw !== undefined) problems.push("dpuuid given without dpid");
		return null;
	}
	const partner = knownPartner(dpidRaw, partners, problems);
	if (dpuuidRaw === undefined) return partner;
	const dpuuid = strictDecode(dpuuidRaw);
	const problem = partnerIdProblem(dpuuid);
	if (problem) problems.push(problem);
	else if (partner && dpuuid !== null) claims.push({ partner, dpuuid, authState: null });
	return partner;
}

/**
 * `d_cid=<DPID>%01<UID>[%01<auth>]` and `d_cid_ic=<code>%01<UID>`: the UID was percent-encoded on its
 * own before being joined, so the raw value is split on the literal `%01` and each field decoded once.
 */
export function readCidForms(params: RawParams, partners: PartnerDirectory, claims: PairClaim[], problems: string[]) {
	for (const [name, lookup] of [
		["d_cid", (key: string) => knownPartner(key, partners, problems)],
		["d_cid_ic", (key: string) => knownIntegrationCode(key, partners, problems)],
	] as const) {
		for (const raw of allRaw(params, name)) {
			const fields = raw.split(/%01/i).map(strictDecode);
			if (fields.length < 2 || fields.length > 3) {
				problems.push(`${name} must be <id>%01<user id>[%01<auth state>]`);
				continue;
			}
			const [key, dpuuid = null, authRaw] = fields;
			const partner = key == null ? null : lookup(key);
			const problem = partnerIdProblem(dpuuid);
			const authState = authRaw === undefined ? null : (["0", "1", "2"].indexOf(authRaw ?? "") as 0 | 1 | 2 | -1);
			if (key == null) problems.push(`${name}: the id before %01 is not valid UTF-8`);
			else if (problem) problems.push(`${name}: ${problem}`);
			else if (authState === -1) problems.push(`${name}: auth state must be 0, 1 or 2`);
			else if (partner && dpuuid !== null) claims.push({ partner, dpuuid, authState });
		}
	}
}

function knownPartner(raw: string, partners: PartnerDirectory, problems: string[]): Partner | null {
	const dpid = parseDpid(raw);
	if (dpid === null) {
		problems.push("dpid must be a positive integer");
		return null;
	}
	const partner = partners.byDpid.get(dpid);
	if (!partner) problems.push(`unknown dpid ${dpid}`);
	return partner ?? null;
}

function knownIntegrationCode(code: string, partners: PartnerDirectory, problems: string[]): Partner | null {
	const partner = partners.byIntegrationCode.get(code);
	if (!partner) problems.push(`unknown integration code ${JSON.stringify(code.slice(0, 64))}`);
	return partner ?? null;
}

function singlePartner(claims: PairClaim[]): Partner | null {
	const dpids = new Set(claims.map((c) => c.partner.dpid));
	return dpids.size === 1 ? (claims[0]?.partner ?? null) : null;
}

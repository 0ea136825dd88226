import { InputError } from "../../core/input-error";
import type { PartnerDirectory } from "../../core/partners/directory";
import { type PairClaim, readCidForms } from "../sync/ibs-request";
import type { RawParams } from "../sync/params";

/**
 * Most partner IDs one opt-out call may name: AAM's limit of 10 IDs per call. Each ID costs a D1
 * batch, so the cap (with the per-address rate limit) bounds what one caller can make the edge do.
 */
export const MAX_OPT_OUT_IDS_PER_CALL = 10;

/** Whether an opt-out call names partner IDs (`d_cid`, `d_cid_ic`) rather than the visitor. */
export const namesPartnerIds = (params: RawParams): boolean => countPartnerIds(params) > 0;

/**
 * The partner IDs of a partner-level opt-out (`d_cid=<DPID>%01<UID>`, `d_cid_ic=<code>%01<UID>`), each
 * of a known partner. Anything invalid, or more than the cap, refuses the whole call (InputError), so a
 * half-understood call opts nobody out.
 */
export function parsePartnerOptOuts(params: RawParams, partners: PartnerDirectory): PairClaim[] {
	const given = countPartnerIds(params);
	if (given > MAX_OPT_OUT_IDS_PER_CALL) {
		throw new InputError([`at most ${MAX_OPT_OUT_IDS_PER_CALL} partner IDs per opt-out call (${given} given)`]);
	}
	const claims: PairClaim[] = [];
	const problems: string[] = [];
	readCidForms(params, partners, claims, problems);
	if (problems.length > 0) throw new InputError(problems.slice(0, 5));
	return claims;
}

function countPartnerIds(params: RawParams): number {
	return params.filter(([name]) => name === "d_cid" || name === "d_cid_ic").length;
}

import { InputError } from "../../core/input-error";
import type { PartnerDirectory } from "../../core/partners/directory";
import { isUuid } from "../../core/uuid";
import { type DeclaredId, type PairClaim, readCid, readDpidPair } from "../sync/declared-ids";
import { allRaw, type RawParams, strictDecode } from "../sync/params";

/**
 * Most partner IDs one opt-out call may name: AAM's limit of 10 IDs per call. Each ID costs a D1
 * batch, so the cap (with the per-address rate limit) bounds what one caller can make the edge do.
 */
export const MAX_OPT_OUT_IDS_PER_CALL = 10;

/**
 * What an opt-out call names, in every form AAM documents (Declared IDs → opt-out examples):
 * partner IDs by `d_cid=<DPID>%01<UID>`, `d_cid_ic=<code>%01<UID>` and the deprecated
 * `d_dpid=<DPID>&d_dpuuid=<UID>` (the `dpid`/`dpuuid` spelling of /ibs too), and a device by `d_uuid`.
 */
export interface OptOutCall {
	partnerIds: PairClaim[];
	/** `d_uuid`: the device the call names; whether it may is the route's decision. Null when absent. */
	device: string | null;
}

const DPID_FORMS = [
	["d_dpid", "d_dpuuid"],
	["dpid", "dpuuid"],
] as const;

/**
 * Reads an opt-out call. Anything invalid, or more IDs than the cap, refuses the whole call
 * (InputError), so a half-understood call opts nobody out, and a named but unreadable ID never falls
 * back to opting out whoever holds the cookie.
 */
export function parseOptOutCall(params: RawParams, partners: PartnerDirectory): OptOutCall {
	const problems: string[] = [];
	if (params.some(([name]) => name === "d_mid" || name === "d_orgid")) {
		problems.push(
			"edgesync keeps no Experience Cloud IDs (d_mid, d_orgid): name the device with d_uuid, or call /demoptout from the visitor's browser",
		);
	}
	const given = countPartnerIds(params);
	if (given > MAX_OPT_OUT_IDS_PER_CALL) {
		problems.push(`at most ${MAX_OPT_OUT_IDS_PER_CALL} partner IDs per opt-out call (${given} given)`);
	}
	const device = readDevice(params, problems);
	const ids: DeclaredId[] = [];
	if (problems.length === 0) {
		for (const [name, raw] of params)
			if (name === "d_cid" || name === "d_cid_ic") ids.push(readCid(name, raw, partners));
		for (const [dpidName, uuidName] of DPID_FORMS)
			ids.push(...readDpidPairs(params, dpidName, uuidName, partners, problems));
	}
	const partnerIds: PairClaim[] = [];
	for (const id of ids) {
		if (id.kind === "claim") partnerIds.push(id.claim);
		else problems.push(id.reason);
	}
	if (problems.length > 0) throw new InputError(problems.slice(0, 5));
	return { partnerIds, device };
}

function readDevice(params: RawParams, problems: string[]): string | null {
	const values = allRaw(params, "d_uuid");
	if (values.length === 0) return null;
	const device = strictDecode(values[0] ?? "");
	if (values.length > 1) problems.push("d_uuid given more than once");
	else if (!isUuid(device)) problems.push("d_uuid must be an edgesync UUID (38 digits)");
	return device;
}

/** The deprecated form names pairs by position: the n-th d_dpid goes with the n-th d_dpuuid. */
function readDpidPairs(
	params: RawParams,
	dpidName: string,
	uuidName: string,
	partners: PartnerDirectory,
	problems: string[],
): DeclaredId[] {
	const dpids = allRaw(params, dpidName);
	const dpuuids = allRaw(params, uuidName);
	if (dpids.length !== dpuuids.length) {
		problems.push(
			`each ${dpidName} needs its ${uuidName} (${dpids.length} ${dpidName}, ${dpuuids.length} ${uuidName})`,
		);
		return [];
	}
	return dpids.map((dpid, i) => readDpidPair(dpid, dpuuids[i] ?? "", partners));
}

function countPartnerIds(params: RawParams): number {
	const named = new Set(["d_cid", "d_cid_ic", "d_dpuuid", "dpuuid"]);
	return params.filter(([name]) => named.has(name)).length;
}

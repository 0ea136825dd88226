import { InputError } from "../../core/input-error";
import type { PartnerDirectory } from "../../core/partners/directory";
import type { Partner } from "../../core/partners/partner";
import { type ConsentSignals, consentSignalsFrom } from "../consent";
import { DCS, type DcsError, MAX_IDS_PER_CALL, MAX_IDS_PER_SOURCE, shownId } from "./dcs-errors";
import { type DeclaredId, type PairClaim, partnerOfDpid, readCid, readDpidPair } from "./declared-ids";
import { firstRaw, lenientGetter, type RawParams, strictDecode } from "./params";

export type { PairClaim } from "./declared-ids";

/** The marker the cookie bounce adds to the URL it redirects to. */
export const BOUNCE_MARKER = "es_cb";

/**
 * A read /ibs call. Each declared ID is judged on its own, as AAM's DCS does: `claims` are the IDs to
 * store, `errors` say (with AAM's codes) why the others were skipped.
 */
export interface IbsCall {
	claims: PairClaim[];
	errors: DcsError[];
	/** The partner whose redirect allow-list applies (the dpid parameter, or the claims' single partner). */
	owner: Partner | null;
	redir: string | null;
	json: boolean;
	bounced: boolean;
	consent: ConsentSignals;
}

/**
 * Reads an /ibs call. Only what leaves the call unreadable as a whole refuses it (InputError, so
 * nothing is stored): bytes that cannot be decoded (AAM's 311), a redir without a partner whose
 * allow-list could judge it, a call that names no partner at all.
 */
export function parseIbsCall(params: RawParams, partners: PartnerDirectory, onlyDpid?: number): IbsCall {
	const dpidRaw = firstRaw(params, "dpid", "d_dpid");
	const { ids, pairRead } = readIds(params, dpidRaw, partners);
	const undecodable = ids.find((id) => id.kind === "undecodable");
	const redirRaw = firstRaw(params, "redir", "d_redir");
	const redir = redirRaw === undefined ? null : strictDecode(redirRaw);
	const dpidText = dpidRaw === undefined ? null : strictDecode(dpidRaw);
	if (undecodable || (redirRaw !== undefined && redir === null) || (dpidRaw !== undefined && dpidText === null)) {
		const reason =
			undecodable?.reason ??
			(redir === null && redirRaw !== undefined ? "redir is not valid UTF-8" : "dpid is not valid UTF-8");
		throw new InputError([reason], [DCS.invalidParameters()]);
	}
	const found = dpidText === null ? null : partnerOfDpid(dpidText, partners);
	const owner = found && "partner" in found ? found.partner : null;
	// A dpid alone asks only for the UUID; one that names no partner is an invalid ID like any other.
	if (dpidRaw !== undefined && found && "problem" in found && !pairRead) {
		ids.unshift({ kind: "invalid", raw: dpidRaw, reason: found.problem });
	}
	const { claims, errors } = judgeIds(ids, onlyDpid);
	const redirOwner = owner ?? singlePartner(claims);
	if (redir !== null && !redirOwner) throw new InputError(["redir needs the dpid of the partner it belongs to"]);
	if (dpidRaw === undefined && ids.length === 0) throw new InputError(["dpid is missing"]);
	const get = lenientGetter(params);
	return {
		claims,
		errors,
		owner: redirOwner,
		redir,
		json: get("d_rtbd") === "json",
		bounced: get(BOUNCE_MARKER) === "1",
		consent: consentSignalsFrom(get),
	};
}

/** Declared IDs in the order of the URL; the deprecated pair is one ID, at the place of its dpuuid. */
function readIds(params: RawParams, dpidRaw: string | undefined, partners: PartnerDirectory) {
	const ids: DeclaredId[] = [];
	let pairRead = false;
	for (const [name, raw] of params) {
		if (name === "d_cid" || name === "d_cid_ic") ids.push(readCid(name, raw, partners));
		else if (name !== "dpuuid" && name !== "d_dpuuid") continue;
		else if (pairRead) ids.push({ kind: "invalid", raw, reason: "one dpuuid per call; declare more IDs with d_cid" });
		else {
			pairRead = true;
			const pair = dpidRaw === undefined ? null : readDpidPair(dpidRaw, raw, partners);
			ids.push(pair ?? { kind: "invalid", raw, reason: "dpuuid given without dpid" });
		}
	}
	return { ids, pairRead };
}

/**
 * AAM's limits, after each ID's own check: at most 3 IDs of one data source (310 for the rest), then at
 * most 10 in all (301 once, 309 for each ID past the tenth); 104 when no ID was valid. With `onlyDpid`
 * (a partner's server call), other data sources' IDs are skipped with 302 first, so they use up no limit.
 */
export function judgeIds(ids: readonly DeclaredId[], onlyDpid?: number): { claims: PairClaim[]; errors: DcsError[] } {
	const errors: DcsError[] = [];
	const accepted: PairClaim[] = [];
	const perSource = new Map<number, number>();
	for (const id of ids) {
		if (id.kind !== "claim") {
			if (id.kind === "invalid" && id.device) errors.push(DCS.invalidDeviceId(id.reason));
			errors.push(DCS.invalidId(shownId(id.raw), id.reason));
			continue;
		}
		const { dpid } = id.claim.partner;
		if (onlyDpid !== undefined && dpid !== onlyDpid) {
			errors.push(DCS.unauthorizedId(`${dpid}:${shownId(id.claim.dpuuid)}`));
			continue;
		}
		const seen = (perSource.get(dpid) ?? 0) + 1;
		perSource.set(dpid, seen);
		if (seen > MAX_IDS_PER_SOURCE) errors.push(DCS.overSourceLimit(dpid, shownId(id.claim.dpuuid)));
		else accepted.push(id.claim);
	}
	if (accepted.length > MAX_IDS_PER_CALL) {
		errors.push(DCS.tooManyIds(accepted.length));
		for (const extra of accepted.slice(MAX_IDS_PER_CALL)) errors.push(DCS.overCallLimit(shownId(extra.dpuuid)));
	}
	if (ids.length > 0 && ids.every((id) => id.kind !== "claim")) errors.push(DCS.allInvalid());
	return { claims: accepted.slice(0, MAX_IDS_PER_CALL), errors };
}

function singlePartner(claims: PairClaim[]): Partner | null {
	const dpids = new Set(claims.map((c) => c.partner.dpid));
	return dpids.size === 1 ? (claims[0]?.partner ?? null) : null;
}

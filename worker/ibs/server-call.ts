import { pairStoreOf } from "../../core/graph/select";
import { isUuid } from "../../core/uuid";
import { fail } from "../http/errors";
import type { Resolution } from "../identity/resolve";
import { DCS, type DcsError, shownId } from "../sync/dcs-errors";
import { allRaw, type RawParams, strictDecode } from "../sync/params";
import { enforceSyncLimits } from "../sync/rate-limit";

/**
 * A partner's server-to-server /ibs call (`Authorization: Bearer <partner key>`), as AAM's DCS takes
 * them: the visitor is named by `d_uuid` (a server has no cookie of ours), no cookie is read or written,
 * and only the calling partner's own IDs are stored; IDs of other data sources are skipped with AAM's
 * 302 ("Unauthorized customer id").
 *
 * The partner must already hold a pair with that visitor (AAM's flow: the UUID came back to it from a
 * browser sync). Otherwise a partner that learned any UUID could attach itself to that visitor and then
 * act for it (opt-outs name visitors by the same rule); and an opted-out visitor, whose pairs are gone,
 * answers like any stranger, so the call is no oracle. The per-address and per-visitor limits apply as
 * to browsers.
 */
export async function serverCallVisitor(
	env: Env,
	params: RawParams,
	partner: number,
	ip: string | undefined,
	consentAllowsEdge: boolean,
): Promise<Resolution> {
	const values = allRaw(params, "d_uuid");
	const uuid = values.length === 1 ? strictDecode(values[0] ?? "") : null;
	if (values.length === 0) fail(400, "a server-to-server call names the visitor with d_uuid");
	if (!isUuid(uuid)) fail(400, "d_uuid must be one edgesync UUID (38 digits)");
	await enforceSyncLimits(env, ip, uuid);
	const { pairs } = await pairStoreOf(env).visitor(uuid);
	if (!pairs.some((p) => p.dpid === partner)) {
		fail(404, `DPID ${partner} has no pair with that d_uuid; sync the visitor from its browser first`);
	}
	if (!consentAllowsEdge) return { kind: "anonymous", reason: "no consent", optedOut: false };
	return { kind: "visitor", uuid, minted: false };
}

/** A browser's `d_uuid` names nobody: only the cookie does (AAM's 102 with edgesync's reason). */
export function untrustedDeviceErrors(params: RawParams): DcsError[] {
	return allRaw(params, "d_uuid").map((raw) =>
		DCS.invalidAamId(shownId(raw), "d_uuid is taken only from a partner's authenticated server call"),
	);
}

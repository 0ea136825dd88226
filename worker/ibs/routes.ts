import { Hono } from "hono";
import { settingsOf } from "../../core/config/settings";
import { partnerDirectory } from "../../core/partners/directory";
import { optionalPartner } from "../auth/middleware";
import { fail } from "../http/errors";
import { NO_STORE, sendPixel } from "../http/pixel";
import type { AppContext, AppEnv } from "../http/types";
import { type Resolution, resolveVisitor } from "../identity/resolve";
import { readVisitor } from "../identity/visitor-cookie";
import { enqueuePairs } from "../pairs/enqueue";
import { pairQueues } from "../pairs/partitions";
import { reasonKey } from "../stats/counters";
import { countIbsCall, countRejectedIbsCalls } from "../stats/ibs-counters";
import { consentOf } from "../sync/consent-gate";
import { dcsRegion, transactionId } from "../sync/dcs-answer";
import { DCS, type DcsError, xErrorHeader } from "../sync/dcs-errors";
import { BOUNCE_MARKER, type IbsCall, parseIbsCall } from "../sync/ibs-request";
import { lenientGetter, syncParams } from "../sync/params";
import { enforceSyncLimits } from "../sync/rate-limit";
import { redirectProblem, redirectUrl } from "../sync/redirect";
import { serverCallVisitor, untrustedDeviceErrors } from "./server-call";

/** The AAM-compatible ID-sync endpoint: `/ibs:dpid=…&dpuuid=…`, `/ibs?…`, `d_cid`, `d_rtbd=json`. */
export const ibsRoutes = new Hono<AppEnv>();
const IBS_PATH = "/:path{ibs(?::[\\s\\S]*)?}";

// Stats: rejected calls are counted in memory and reach D1 through the queue (worker/stats).
ibsRoutes.use(IBS_PATH, countRejectedIbsCalls);
ibsRoutes.get(IBS_PATH, optionalPartner, async (c) => {
	const url = new URL(c.req.url);
	const params = syncParams(url, "/ibs");
	c.set("errorStyle", lenientGetter(params)("d_rtbd") === "json" ? "json" : "pixel");
	const settings = settingsOf(c.env);
	const partner = c.get("partnerDpid");
	// A partner's server call stores its own IDs only (the others: AAM's 302).
	const call = parseIbsCall(params, await partnerDirectory(c.env), partner);
	// IDs skipped one by one are bad input too (the dashboard counts calls, by their first problem).
	const problem = call.errors[0];
	if (problem) countIbsCall(c, "bad_input", 0, reasonKey(problem.reason ?? problem.msg));
	const consent = consentOf(call.consent, settings);
	if (call.redir !== null && call.owner) {
		const problem = redirectProblem(call.redir, call.owner.redirectHosts);
		if (problem) fail(400, problem);
	}

	const who =
		partner === undefined
			? await browserVisitor(c, call, consent.edge)
			: await serverCallVisitor(c.env, params, partner, c.req.header("CF-Connecting-IP"), consent.edge);
	if (who.kind === "bounce") {
		url.searchParams.set(BOUNCE_MARKER, "1");
		c.header("Cache-Control", NO_STORE);
		return c.redirect(url.href, 302);
	}

	const uuid = who.kind === "visitor" ? who.uuid : null;
	const stored = uuid ? call.claims.filter((claim) => consent.forVendor(claim.partner.tcfVendorId)) : [];
	const skipped = call.claims
		.filter((claim) => !stored.includes(claim))
		.map((claim) => ({ dpid: claim.partner.dpid, reason: who.kind === "anonymous" ? who.reason : "no consent" }));
	if ((who.kind === "anonymous" && who.reason === "no consent") || skipped.some((s) => s.reason === "no consent"))
		countIbsCall(c, "consent_blocked", call.owner?.dpid ?? call.claims[0]?.partner.dpid ?? 0);
	if (uuid && stored.length > 0) {
		const pairs = stored.map((claim) => ({ dpid: claim.partner.dpid, dpuuid: claim.dpuuid }));
		await enqueuePairs(pairQueues(c.env), uuid, pairs, Date.now()).catch((err) => {
			console.error("pair queue send failed", err);
			fail(503, "could not record the sync; try again");
		});
	}
	const untrusted = partner === undefined ? untrustedDeviceErrors(params) : [];
	const errors = [...call.errors, ...untrusted, ...visitorErrors(who, skipped)];
	const xError = xErrorHeader(errors);
	if (xError) c.header("X-Error", xError);
	return answer(c, call, uuid, { stored, skipped, errors });
});

/** A browser's call: the cookie names the visitor (minted, or bounced once, when absent). */
async function browserVisitor(c: AppContext, call: IbsCall, consentAllowsEdge: boolean): Promise<Resolution> {
	// Before any cookie is written: a refused call changes nothing for the visitor.
	const known = readVisitor(c);
	await enforceSyncLimits(c.env, c.req.header("CF-Connecting-IP"), known.kind === "known" ? known.uuid : null);
	return resolveVisitor(c, settingsOf(c.env), { consentAllowsEdge, bounced: call.bounced, mayBounce: true });
}

/** AAM's codes for what kept the visitor's IDs from being stored: 171 opted out, 172 cookies blocked, 315 consent. */
function visitorErrors(who: Resolution, skipped: ReadonlyArray<{ reason: string }>): DcsError[] {
	if (who.kind === "anonymous" && who.reason === "opted out") return [DCS.optedOut()];
	if (who.kind === "anonymous" && who.reason === "cookies blocked") return [DCS.cookiesBlocked()];
	return skipped.some((s) => s.reason === "no consent") || (who.kind === "anonymous" && who.reason === "no consent")
		? [DCS.noConsent()]
		: [];
}

interface Outcome {
	stored: IbsCall["claims"];
	skipped: Array<{ dpid: number; reason: string }>;
	errors: DcsError[];
}

/**
 * `d_rtbd=json` answers in AAM's shape (`stuff`, `uuid`, `dcs_region`, `tid`, and `errors` when there are
 * any; no `uuid` when none may be given), with edgesync's `stored` and `skipped` beside it.
 */
function answer(c: AppContext, call: IbsCall, uuid: string | null, outcome: Outcome): Response {
	const target = call.redir === null ? null : redirectUrl(call.redir, uuid ?? "");
	if (target) {
		c.header("Cache-Control", NO_STORE);
		return c.redirect(target.href, 302);
	}
	if (call.json) {
		c.header("Cache-Control", NO_STORE);
		return c.json({
			stuff: [],
			...(uuid ? { uuid } : {}),
			dcs_region: dcsRegion(c),
			tid: transactionId(),
			...(outcome.errors.length > 0 ? { errors: outcome.errors } : {}),
			stored: outcome.stored.map((s) => ({ dpid: s.partner.dpid, dpuuid: s.dpuuid })),
			...(outcome.skipped.length > 0 ? { skipped: outcome.skipped } : {}),
		});
	}
	return sendPixel(c);
}

import { Hono } from "hono";
import { settingsOf } from "../../core/config/settings";
import { partnerDirectory } from "../../core/partners/directory";
import { fail } from "../http/errors";
import { NO_STORE, sendPixel } from "../http/pixel";
import type { AppContext, AppEnv } from "../http/types";
import { resolveVisitor } from "../identity/resolve";
import { readVisitor } from "../identity/visitor-cookie";
import { enqueuePairs } from "../pairs/enqueue";
import { pairQueues } from "../pairs/partitions";
import { countIbsCall, countRejectedIbsCalls } from "../stats/ibs-counters";
import { consentOf } from "../sync/consent-gate";
import { BOUNCE_MARKER, type IbsCall, parseIbsCall } from "../sync/ibs-request";
import { lenientGetter, syncParams } from "../sync/params";
import { enforceSyncLimits } from "../sync/rate-limit";
import { redirectProblem, redirectUrl } from "../sync/redirect";

/** The AAM-compatible ID-sync endpoint: `/ibs:dpid=…&dpuuid=…`, `/ibs?…`, `d_cid`, `d_rtbd=json`. */
export const ibsRoutes = new Hono<AppEnv>();
const IBS_PATH = "/:path{ibs(?::[\\s\\S]*)?}";

// Stats: rejected calls are counted in memory and reach D1 through the queue (worker/stats).
ibsRoutes.use(IBS_PATH, countRejectedIbsCalls);
ibsRoutes.get(IBS_PATH, async (c) => {
	const url = new URL(c.req.url);
	const params = syncParams(url, "/ibs");
	c.set("errorStyle", lenientGetter(params)("d_rtbd") === "json" ? "json" : "pixel");
	const settings = settingsOf(c.env);
	const call = parseIbsCall(params, await partnerDirectory(c.env));
	const consent = consentOf(call.consent, settings);
	if (call.redir !== null && call.owner) {
		const problem = redirectProblem(call.redir, call.owner.redirectHosts);
		if (problem) fail(400, problem);
	}

	// Before any cookie is written: a refused call changes nothing for the visitor.
	const known = readVisitor(c);
	await enforceSyncLimits(c.env, c.req.header("CF-Connecting-IP"), known.kind === "known" ? known.uuid : null);
	const who = resolveVisitor(c, settings, {
		consentAllowsEdge: consent.edge,
		bounced: call.bounced,
		mayBounce: true,
	});
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
	return answer(c, call, uuid ?? "", stored, skipped);
});

function answer(
	c: AppContext,
	call: IbsCall,
	uuid: string,
	stored: IbsCall["claims"],
	errors: Array<{ dpid: number; reason: string }>,
): Response {
	const target = call.redir === null ? null : redirectUrl(call.redir, uuid);
	if (target) {
		c.header("Cache-Control", NO_STORE);
		return c.redirect(target.href, 302);
	}
	if (call.json) {
		c.header("Cache-Control", NO_STORE);
		return c.json({ uuid, stored: stored.map((s) => ({ dpid: s.partner.dpid, dpuuid: s.dpuuid })), errors });
	}
	return sendPixel(c);
}

import { Hono } from "hono";
import { secretsOf } from "../../core/config/secrets";
import { settingsOf } from "../../core/config/settings";
import { pairStoreOf } from "../../core/graph/select";
import { partnerDirectory } from "../../core/partners/directory";
import { NOTARGET } from "../../core/uuid";
import { NO_STORE, sendPixel } from "../http/pixel";
import { clientKey, enforceLimit } from "../http/rate-limit";
import type { AppEnv } from "../http/types";
import { verifiedFpid } from "../identity/fpid";
import { readVisitor, setVisitorCookie } from "../identity/visitor-cookie";
import { lenientGetter, syncParams } from "../sync/params";
import { namesPartnerIds, parsePartnerOptOuts } from "./partner-ids";

/**
 * Opt-out (SPEC §3): `/demoptout` and `/demoptout.jpg` mark the visitor NOTARGET and erase their pairs;
 * with `d_cid=<DPID>%01<UID>` only that partner ID is erased and blocked.
 */
export const optOutRoutes = new Hono<AppEnv>();

optOutRoutes.get("/:path{demoptout(?:\\.jpg)?}", async (c) => {
	const url = new URL(c.req.url);
	const params = syncParams(url, `/${c.req.param("path")}`);
	const json = lenientGetter(params)("d_rtbd") === "json";
	const image = url.pathname.endsWith(".jpg");
	c.set("errorStyle", json ? "json" : image ? "pixel" : "text");
	// Before anything is erased or a cookie written: a refused call changes nothing.
	const client = clientKey(c.req.header("CF-Connecting-IP"));
	await enforceLimit(c.env.OPTOUT_PER_IP, client, "too many opt-out calls from this address; slow down");
	const store = pairStoreOf(c.env);
	const now = Date.now();

	let done: string;
	if (namesPartnerIds(params)) {
		const claims = parsePartnerOptOuts(params, await partnerDirectory(c.env));
		await Promise.all(claims.map((claim) => store.forgetPartnerId(claim.partner.dpid, claim.dpuuid, now)));
		// The same answer whether or not an ID was in the graph: an opt-out is no oracle for which IDs are.
		done = `opted out ${claims.length} partner ID(s)`;
	} else {
		const visitor = readVisitor(c);
		// The tag passes its signed first-party copy when third-party cookies hide ours. A bare or forged
		// fpid names nobody: knowing a visitor's UUID must not be enough to erase them.
		const uuid =
			visitor.kind === "known"
				? visitor.uuid
				: await verifiedFpid(lenientGetter(params)("fpid"), secretsOf(c.env).fpidSecret);
		if (uuid) await store.forgetVisitor(uuid, now);
		setVisitorCookie(c, NOTARGET, settingsOf(c.env));
		done = "opted out";
	}
	if (image) return sendPixel(c);
	c.header("Cache-Control", NO_STORE);
	return json ? c.json({ optout: true, message: done }) : c.text(done);
});

import { Hono } from "hono";
import { settingsOf } from "../config";
import type { AppEnv } from "../http/types";
import { isUuid, NOTARGET } from "../identity/uuid";
import { readVisitor, setVisitorCookie } from "../identity/visitor-cookie";
import { d1PairStore } from "../pairs/store";
import { partnerDirectory } from "../partners/directory";
import { parseIbsCall } from "../sync/ibs-request";
import { lenientGetter, syncParams } from "../sync/params";
import { NO_STORE, sendPixel } from "../sync/pixel";

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
	const store = d1PairStore(c.env.DB);
	const now = Date.now();

	const partnerIds = params.some(([name]) => name === "d_cid" || name === "d_cid_ic");
	let done: string;
	if (partnerIds) {
		const { claims } = parseIbsCall(params, await partnerDirectory(c.env));
		await Promise.all(claims.map((claim) => store.forgetPartnerId(claim.partner.dpid, claim.dpuuid, now)));
		done = `opted out ${claims.length} partner ID(s)`;
	} else {
		const visitor = readVisitor(c);
		// The tag passes its first-party copy when third-party cookies hide ours.
		const fpid = lenientGetter(params)("fpid");
		const uuid = visitor.kind === "known" ? visitor.uuid : isUuid(fpid) ? fpid : null;
		if (uuid) await store.forgetVisitor(uuid, now);
		setVisitorCookie(c, NOTARGET, settingsOf(c.env));
		done = "opted out";
	}
	if (image) return sendPixel(c);
	c.header("Cache-Control", NO_STORE);
	return json ? c.json({ optout: true, message: done }) : c.text(done);
});

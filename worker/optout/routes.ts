import { type Context, Hono } from "hono";
import { secretsOf } from "../../core/config/secrets";
import { settingsOf } from "../../core/config/settings";
import { pairStoreOf } from "../../core/graph/select";
import type { PairStore } from "../../core/graph/store";
import { partnerDirectory } from "../../core/partners/directory";
import { NOTARGET } from "../../core/uuid";
import { optionalPartner } from "../auth/middleware";
import { fail } from "../http/errors";
import { NO_STORE, sendPixel } from "../http/pixel";
import { clientKey, enforceLimit } from "../http/rate-limit";
import type { AppEnv } from "../http/types";
import { verifiedFpid } from "../identity/fpid";
import { readVisitor, setVisitorCookie } from "../identity/visitor-cookie";
import { lenientGetter, syncParams } from "../sync/params";
import { type OptOutCall, parseOptOutCall } from "./partner-ids";

/**
 * Opt-out (SPEC §3): `/demoptout` and `/demoptout.jpg` mark the caller's own visitor NOTARGET and erase
 * them; partner IDs named in any of AAM's forms are erased and blocked instead, and never the caller.
 * `d_uuid` names a device only where that can be trusted: the visitor's own browser (its cookie or
 * signed fpid is that UUID), or a partner's authenticated server call for a visitor it is paired with.
 */
export const optOutRoutes = new Hono<AppEnv>();

optOutRoutes.get("/:path{demoptout(?:\\.jpg)?}", optionalPartner, async (c) => {
	const url = new URL(c.req.url);
	const params = syncParams(url, `/${c.req.param("path")}`);
	const json = lenientGetter(params)("d_rtbd") === "json";
	const image = url.pathname.endsWith(".jpg");
	c.set("errorStyle", json ? "json" : image ? "pixel" : "text");
	// Before anything is erased or a cookie written: a refused call changes nothing.
	const client = clientKey(c.req.header("CF-Connecting-IP"));
	await enforceLimit(c.env.OPTOUT_PER_IP, client, "too many opt-out calls from this address; slow down");
	const call = parseOptOutCall(params, await partnerDirectory(c.env));
	const store = pairStoreOf(c.env);
	const partner = c.get("partnerDpid");
	const caller = partner === undefined ? await callerUuid(c, lenientGetter(params)("fpid")) : null;
	const now = Date.now();

	let done: string;
	if (partner !== undefined && call.partnerIds.some((id) => id.partner.dpid !== partner)) {
		fail(403, `a partner's authenticated call opts out DPID ${partner}'s own IDs only`);
	}
	if (call.device !== null) {
		await assertMayName(store, call.device, partner, caller);
		done = await optOutDevice(store, call, call.device, now);
		if (call.partnerIds.length === 0 && caller === call.device) setVisitorCookie(c, NOTARGET, settingsOf(c.env));
	} else if (call.partnerIds.length > 0) {
		await Promise.all(call.partnerIds.map((id) => store.forgetPartnerId(id.partner.dpid, id.dpuuid, now)));
		// The same answer whether or not an ID was in the graph: an opt-out is no oracle for which IDs are.
		done = `opted out ${call.partnerIds.length} partner ID(s)`;
	} else if (partner !== undefined) {
		fail(400, "a server call has no visitor cookie: name the device (d_uuid) or partner IDs (d_cid, d_cid_ic)");
	} else {
		if (caller) await store.forgetVisitor(caller, now);
		setVisitorCookie(c, NOTARGET, settingsOf(c.env));
		done = "opted out";
	}
	if (image) return sendPixel(c);
	c.header("Cache-Control", NO_STORE);
	return json ? c.json({ optout: true, message: done }) : c.text(done);
});

/**
 * The browser's own visitor: its cookie, or the tag's signed first-party copy when third-party cookies
 * hide ours. A bare or forged fpid names nobody: knowing a visitor's UUID must not be enough to erase them.
 */
async function callerUuid(c: Context<AppEnv>, fpid: string | undefined): Promise<string | null> {
	const visitor = readVisitor(c);
	if (visitor.kind === "known") return visitor.uuid;
	return verifiedFpid(fpid, secretsOf(c.env).fpidSecret);
}

async function assertMayName(store: PairStore, device: string, partner: number | undefined, caller: string | null) {
	if (partner !== undefined) {
		const { pairs } = await store.visitor(device);
		if (!pairs.some((p) => p.dpid === partner)) fail(404, `DPID ${partner} has no pair with that d_uuid`);
	} else if (caller !== device) {
		fail(
			403,
			"d_uuid names a visitor other than this browser's; only its own browser or a partner's authenticated call may",
		);
	}
}

/**
 * With partner IDs, AAM stores the partner-level opt-out under `d_uuid`: the named IDs are erased, and so
 * are the device's own IDs of those partners. Alone, `d_uuid` opts the device out of everything.
 */
async function optOutDevice(store: PairStore, call: OptOutCall, device: string, now: number): Promise<string> {
	if (call.partnerIds.length === 0) {
		await store.forgetVisitor(device, now);
		return "opted out";
	}
	const dpids = new Set(call.partnerIds.map((id) => id.partner.dpid));
	const own = (await store.visitor(device)).pairs.filter((p) => dpids.has(p.dpid));
	const ids = [
		...call.partnerIds.map((id) => [id.partner.dpid, id.dpuuid] as const),
		...own.map((p) => [p.dpid, p.dpuuid] as const),
	];
	await Promise.all(ids.map(([dpid, dpuuid]) => store.forgetPartnerId(dpid, dpuuid, now)));
	return `opted out ${call.partnerIds.length} partner ID(s)`;
}

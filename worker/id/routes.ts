import { Hono } from "hono";
import { cors } from "hono/cors";
import { secretsOf } from "../../core/config/secrets";
import { settingsOf } from "../../core/config/settings";
import { lastSeenByPartner } from "../../core/graph/records";
import { pairStoreOf } from "../../core/graph/select";
import { partnerDirectory } from "../../core/partners/directory";
import { NOTARGET } from "../../core/uuid";
import { consentSignalsFrom } from "../consent";
import { fail } from "../http/errors";
import { NO_STORE } from "../http/pixel";
import { clientKey, enforceLimit } from "../http/rate-limit";
import type { AppEnv } from "../http/types";
import { signFpid, verifiedFpid } from "../identity/fpid";
import { resolveVisitor } from "../identity/resolve";
import { readVisitor, setVisitorCookie } from "../identity/visitor-cookie";
import { consentOf } from "../sync/consent-gate";
import { dueSyncs } from "../sync/due-syncs";
import { expandSyncUrl } from "../sync/sync-url";
import { isSiteOrigin } from "./site-origin";

/** The tag's endpoint (SPEC §4): who is this visitor, and which partner syncs are due. */
export const idRoutes = new Hono<AppEnv>();

// Credentialed CORS, so only the configured site origins may read the answer.
idRoutes.use(
	"/id",
	cors({
		origin: (origin, c) => (isSiteOrigin(origin, c.req.url, settingsOf(c.env).siteOrigins) ? origin : null),
		credentials: true,
		allowMethods: ["GET"],
		maxAge: 86_400,
	}),
);

idRoutes.get("/id", async (c) => {
	c.set("errorStyle", "json");
	c.header("Cache-Control", NO_STORE);
	const settings = settingsOf(c.env);
	// A page outside SITE_ORIGINS cannot read the answer (no CORS grant), so it gets no cookie either:
	// refused before anything is read or written. Calls without Origin (an <img>, a navigation, curl) are
	// not a page reading the answer, and go on as before.
	const origin = c.req.header("Origin");
	if (origin !== undefined && !isSiteOrigin(origin, c.req.url, settings.siteOrigins)) {
		fail(403, "this page's origin is not one of the edge's SITE_ORIGINS");
	}
	// Before any cookie is written: a refused call changes nothing for the visitor.
	const client = clientKey(c.req.header("CF-Connecting-IP"));
	await enforceLimit(c.env.ID_PER_IP, client, "too many /id calls from this address; slow down");
	const { fpidSecret } = secretsOf(c.env);
	const consent = consentOf(consentSignalsFrom(c.req.query.bind(c.req)), settings);

	const visitor = readVisitor(c);
	// The tag's first-party copy counts only when our cookie is missing, and only with a valid MAC:
	// a bare or forged one is ignored (a new visitor), never adopted.
	const candidate =
		visitor.kind === "known"
			? visitor.uuid
			: visitor.kind === "unknown"
				? await verifiedFpid(c.req.query("fpid"), fpidSecret)
				: null;
	// One read of one visitor shard: opt-out state and when each partner last synced.
	const record = candidate ? await pairStoreOf(c.env).visitor(candidate) : null;
	const optedOut = record?.optedOutAt != null;
	const lastSeen = record ? lastSeenByPartner(record) : new Map<number, number>();
	if (optedOut) setVisitorCookie(c, NOTARGET, settings);

	const who = optedOut
		? ({ kind: "anonymous", optedOut: true } as const)
		: resolveVisitor(c, settings, { consentAllowsEdge: consent.edge, fallbackUuid: candidate, mayBounce: false });
	if (who.kind !== "visitor") {
		const out = who.kind === "anonymous" && who.optedOut;
		return c.json(out ? { uuid: NOTARGET, optout: true, syncs: [] } : { uuid: "", syncs: [] });
	}

	const now = Date.now();
	const { all } = await partnerDirectory(c.env);
	const url = new URL(c.req.url);
	const due = dueSyncs(all, lastSeen, consent, { ...settings, now });
	const syncs = due.flatMap((partner) => {
		const syncUrl = expandSyncUrl(partner.syncUrl ?? "", {
			uuid: who.uuid,
			...consent.macros,
			proto: url.protocol.replace(":", ""),
			edgeOrigin: url.origin,
			now,
			random: Math.random,
		});
		return syncUrl ? [{ dpid: partner.dpid, url: syncUrl, type: "img" as const }] : [];
	});
	// The signed copy the tag keeps in `_es_id` and sends back when third-party cookies hide ours.
	return c.json({ uuid: who.uuid, fpid: await signFpid(who.uuid, fpidSecret), syncs });
});

import { Hono } from "hono";
import { csrf } from "hono/csrf";
import type { JSX } from "hono/jsx/jsx-runtime";
import { z } from "zod";
import { findDelivery } from "../../batch/inbound/store";
import { RunIdSchema } from "../../batch/outbound/runs/schema";
import { findRun } from "../../batch/outbound/runs/store";
import { secretsOf } from "../../core/config/secrets";
import { listGrants } from "../../core/grants/store";
import { getPartner, listPartners } from "../../core/partners/store";
import { beginAttempt } from "../auth/failure-throttle";
import { limitAdminBody } from "../http/limits";
import { clientKey, enforceLimit } from "../http/rate-limit";
import { readStats } from "../stats/read";
import { recentInbound, recentOutbound } from "../stats/store";
import { assetRoutes } from "./assets";
import { type DashContext, type DashEnv, endSession, requireSession, scopeOf, startSession, whoIs } from "./auth";
import { chartData } from "./chart-data";
import { grantFormRoutes } from "./grants/routes";
import { LoginPage } from "./pages/login";
import { OverviewPage } from "./pages/overview";
import { NotFoundPage, ReceiptPage } from "./pages/receipt";
import { RunPage } from "./pages/run";
import { csrfToken, csrfValid } from "./session";

// No inline script or style: data reaches the charts as a JSON block, so the CSP can forbid both.
const CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const loginForm = z.object({ token: z.string().trim().min(1).max(200) });
const csrfForm = z.object({ _csrf: z.string().max(100) });
const overviewQuery = z.object({ days: z.coerce.number().int().min(1).max(366).catch(14) });

/** The operator dashboard and partner view at /admin (server-rendered; see README "Dashboard and stats"). */
export const dashboardRoutes = new Hono<DashEnv>();

dashboardRoutes.use("*", async (c, next) => {
	await next();
	c.header("Content-Security-Policy", CSP);
	c.header("Referrer-Policy", "no-referrer");
	c.header("X-Content-Type-Options", "nosniff");
	if (!c.req.path.startsWith("/admin/assets/")) c.header("Cache-Control", "no-store");
});
// A form posted from another origin is refused before anything else (the forms' tokens are the second line).
dashboardRoutes.use("*", csrf());
dashboardRoutes.use("*", limitAdminBody);
dashboardRoutes.route("/", assetRoutes);
dashboardRoutes.route("/", grantFormRoutes);

async function page(c: DashContext, element: JSX.Element, status: 200 | 401 | 404 | 503 = 200) {
	return c.html(`<!doctype html>${await element.toString()}`, status);
}

dashboardRoutes.get("/login", (c) => page(c, <LoginPage />));

// Every login post counts against LOGINS_PER_IP; a wrong token also counts against the failure throttle
// the admin API's bearer credentials share (429 before the token is even looked at once it is used up).
dashboardRoutes.post("/login", async (c) => {
	const client = clientKey(c.req.header("CF-Connecting-IP"));
	await enforceLimit(c.env.LOGINS_PER_IP, client, "too many logins from this address; wait a minute");
	const form = loginForm.safeParse(await c.req.parseBody());
	if (!form.success) return page(c, <LoginPage error="Wrong token or API key." />, 401);
	const attempt = await beginAttempt(c);
	const who = await whoIs(c.env, form.data.token);
	await attempt.settle(who !== null);
	if (!who) return page(c, <LoginPage error="Wrong token or API key." />, 401);
	await startSession(c, who);
	return c.redirect("/admin", 303);
});

dashboardRoutes.post("/logout", requireSession, async (c) => {
	const form = csrfForm.safeParse(await c.req.parseBody());
	if (!form.success || !(await csrfValid(secretsOf(c.env).sessionSecret, c.get("session"), form.data._csrf))) {
		return c.text("invalid form token; reload the page", 403);
	}
	await endSession(c);
	return c.redirect("/admin/login", 303);
});

dashboardRoutes.get("/", requireSession, async (c) => {
	const { days } = overviewQuery.parse({ days: c.req.query("days") });
	const dpid = scopeOf(c);
	const [stats, inbound, outbound, partners, grants] = await Promise.all([
		readStats(c.env.DB, { days, dpid, now: Date.now() }),
		recentInbound(c.env.DB, dpid, 20),
		recentOutbound(c.env.DB, dpid, 20),
		dpid === null ? listPartners(c.env.DB) : getPartner(c.env.DB, dpid).then((p) => (p ? [p] : [])),
		listGrants(c.env.DB, dpid),
	]);
	const names = new Map(partners.map((p) => [p.dpid, p.name]));
	const session = c.get("session");
	const props = {
		session,
		csrf: await csrfToken(secretsOf(c.env).sessionSecret, session),
		days,
		stats,
		inbound,
		outbound,
		partners,
		grants,
	};
	return page(c, <OverviewPage {...props} chart={chartData(stats, names)} />);
});

dashboardRoutes.get("/inbound/:id", requireSession, async (c) => {
	const session = c.get("session");
	const token = await csrfToken(secretsOf(c.env).sessionSecret, session);
	const id = c.req.param("id");
	const delivery = id.length <= 200 ? await findDelivery(c.env.DB, id) : null;
	const dpid = scopeOf(c);
	// Another partner's delivery is "not found": a partner learns nothing about the others.
	if (!delivery || (dpid !== null && delivery.dpid !== dpid)) {
		return page(c, <NotFoundPage session={session} csrf={token} />, 404);
	}
	return page(c, <ReceiptPage session={session} csrf={token} delivery={delivery} />);
});

dashboardRoutes.get("/runs/:id", requireSession, async (c) => {
	const session = c.get("session");
	const token = await csrfToken(secretsOf(c.env).sessionSecret, session);
	const id = c.req.param("id");
	const run = RunIdSchema.safeParse(id).success ? await findRun(c.env.DB, id) : null;
	const dpid = scopeOf(c);
	// Another partner's run is "not found", like its deliveries.
	if (!run || (dpid !== null && run.dpid !== dpid))
		return page(c, <NotFoundPage session={session} csrf={token} />, 404);
	return page(c, <RunPage session={session} csrf={token} run={run} />);
});

import { Hono } from "hono";
import { z } from "zod";
import { secretsOf } from "../../../core/config/secrets";
import { grantSource, revokeSource } from "../../../core/grants/store";
import { globalSource } from "../../../core/partners/global-sources";
import { getPartner } from "../../../core/partners/store";
import { type DashContext, type DashEnv, requireSession } from "../auth";
import { NotFoundPage } from "../pages/receipt";
import { csrfToken, csrfValid } from "../session";

const DPID = z
	.string()
	.regex(/^[1-9][0-9]{0,9}$/)
	.transform(Number)
	.pipe(z.number().max(2_147_483_647));
const grantForm = z.object({ _csrf: z.string().max(100), dpid: DPID, sourceDpid: DPID });

/** The operator's access-mapping forms on /admin (adding and removing grants). */
export const grantFormRoutes = new Hono<DashEnv>();

grantFormRoutes.post("/grants", requireSession, (c) =>
	withGrantForm(c, async ({ dpid, sourceDpid }) => {
		if (dpid === sourceDpid) return `partner ${dpid} always may name its own data source`;
		if (!(await getPartner(c.env.DB, dpid))) return `no such partner: ${dpid}`;
		// A source is a partner, or one of AAM's global data sources (for ID-sync files writing into it).
		if (!globalSource(sourceDpid) && !(await getPartner(c.env.DB, sourceDpid))) return `no such partner: ${sourceDpid}`;
		await grantSource(c.env.DB, dpid, sourceDpid, Date.now());
		return null;
	}),
);

grantFormRoutes.post("/grants/remove", requireSession, (c) =>
	withGrantForm(c, async ({ dpid, sourceDpid }) => {
		await revokeSource(c.env.DB, dpid, sourceDpid);
		return null;
	}),
);

/**
 * Operator only: a partner session gets the same "not found" page as any unknown address. The form
 * must carry the session's token; `change` answers a problem to show, or null when done.
 */
async function withGrantForm(
	c: DashContext,
	change: (form: { dpid: number; sourceDpid: number }) => Promise<string | null>,
): Promise<Response> {
	const session = c.get("session");
	if (session.role !== "operator") {
		const page = <NotFoundPage session={session} csrf={await csrfToken(secretsOf(c.env).sessionSecret, session)} />;
		return c.html(`<!doctype html>${await page.toString()}`, 404);
	}
	const raw = await c.req.parseBody();
	if (!(await csrfValid(secretsOf(c.env).sessionSecret, session, raw._csrf)))
		return c.text("invalid form token; reload the page", 403);
	const form = grantForm.safeParse(raw);
	if (!form.success) return c.text("partner and data source must be DPIDs (positive integers)", 400);
	const problem = await change(form.data);
	if (problem) return c.text(problem, 400);
	return c.redirect("/admin#grants", 303);
}

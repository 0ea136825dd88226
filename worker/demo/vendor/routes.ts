import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { settingsOf } from "../../../core/config/settings";
import { hex } from "../../../core/encoding";
import type { AppEnv } from "../../http/types";

export const DEMO_DPID = 1000;
const VENDOR_COOKIE = "demo_vendor_id";

/**
 * A stand-in data vendor living inside the edge (only when DEMO is on), so `npm start` shows a full
 * edge-initiated sync: the tag fires the vendor's pixel, the vendor sets its own ID cookie and
 * redirects back to /ibs with that ID, exactly as a real vendor's sync endpoint does.
 */
export const demoVendorRoutes = new Hono<AppEnv>();

demoVendorRoutes.get("/demo-vendor/sync", (c) => {
	if (!settingsOf(c.env).demo) return c.notFound();
	let vendorId = getCookie(c, VENDOR_COOKIE);
	if (!vendorId || !/^dv-[0-9a-f]{16}$/.test(vendorId)) {
		vendorId = `dv-${hex(crypto.getRandomValues(new Uint8Array(8)))}`;
	}
	setCookie(c, VENDOR_COOKIE, vendorId, { path: "/demo-vendor", httpOnly: true, sameSite: "Lax", maxAge: 31_536_000 });
	const back = new URLSearchParams({ dpid: String(DEMO_DPID), dpuuid: vendorId });
	for (const name of ["gdpr", "gdpr_consent", "us_privacy", "gpp", "gpp_sid"]) {
		const value = c.req.query(name);
		if (value) back.set(name, value);
	}
	c.header("Cache-Control", "no-store, private");
	return c.redirect(`/ibs:${back.toString()}`, 302);
});

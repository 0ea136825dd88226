import { Hono } from "hono";
import { intakeRoutes } from "../../batch/inbound/intake-route";
import { adminApp } from "../admin";
import { dashboardRoutes } from "../dashboard/routes";
import { demoPageRoutes } from "../demo/page";
import { demoVendorRoutes } from "../demo/vendor";
import { optOutRoutes } from "../optout/route";
import { ibsRoutes } from "../sync/ibs-route";
import { idRoutes } from "../sync/id-route";
import { tagScriptRoutes } from "../tag-script/routes";
import { renderError } from "./errors";
import { limitUrlLength } from "./limits";
import { refuseMisconfigured } from "./refuse-misconfigured";
import type { AppEnv } from "./types";

/** The edge's HTTP surface. Each area mounts its own routes; errors are rendered in one place. */
export function buildApp(): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("*", refuseMisconfigured);
	app.use("*", limitUrlLength);
	app.get("/health", (c) => c.json({ ok: true }));
	app.route("/", ibsRoutes);
	app.route("/", idRoutes);
	app.route("/", optOutRoutes);
	app.route("/", adminApp);
	app.route("/admin", dashboardRoutes);
	app.route("/", intakeRoutes);
	app.route("/", tagScriptRoutes);
	app.route("/", demoPageRoutes);
	app.route("/", demoVendorRoutes);
	app.onError(renderError);
	// The API answers in JSON even for paths it does not have; everything else in plain text.
	app.notFound((c) =>
		c.req.path.startsWith("/api/") ? c.json({ error: "not found" }, 404) : c.text("not found", 404),
	);
	return app;
}

export const app = buildApp();

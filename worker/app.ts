import { Hono } from "hono";
import { adminApp } from "./admin";
import { dashboardRoutes } from "./dashboard/routes";
import { demoPageRoutes } from "./demo/page/routes";
import { demoVendorRoutes } from "./demo/vendor/routes";
import { renderError } from "./http/errors";
import { limitUrlLength } from "./http/limits";
import { refuseMisconfigured } from "./http/refuse-misconfigured";
import type { AppEnv } from "./http/types";
import { ibsRoutes } from "./ibs/routes";
import { idRoutes } from "./id/routes";
import { multipartRoutes } from "./intake/multipart/routes";
import { intakeRoutes } from "./intake/routes";
import { optOutRoutes } from "./optout/routes";
import { tagScriptRoutes } from "./tag-script/routes";

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
	app.route("/", multipartRoutes);
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

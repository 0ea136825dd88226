import { Hono } from "hono";
import { adminApp } from "../admin";
import { demoPageRoutes } from "../demo/page";
import { tagScriptRoutes } from "../tag-script/routes";
import { renderError } from "./errors";
import { limitUrlLength } from "./limits";
import type { AppEnv } from "./types";

/** The edge's HTTP surface. Each area mounts its own routes; errors are rendered in one place. */
export function buildApp(): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("*", limitUrlLength);
	app.get("/health", (c) => c.json({ ok: true }));
	app.route("/", adminApp);
	app.route("/", tagScriptRoutes);
	app.route("/", demoPageRoutes);
	app.onError(renderError);
	app.notFound((c) => c.text("not found", 404));
	return app;
}

export const app = buildApp();

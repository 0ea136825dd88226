import { Hono } from "hono";
import uPlotJs from "../../node_modules/uplot/dist/uPlot.iife.min.js";
import uPlotCss from "../../node_modules/uplot/dist/uPlot.min.css";
import type { AppEnv } from "../http/types";
import { DASHBOARD_CSS, DASHBOARD_JS } from "./client-script";

// uPlot is bundled into the Worker as text (wrangler.toml [[rules]]): the dashboard loads nothing from
// another origin, and no build step is needed for it.
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const ASSETS = new Map([
	["uplot.js", { body: uPlotJs, type: JS }],
	["uplot.css", { body: uPlotCss, type: CSS }],
	["dashboard.js", { body: DASHBOARD_JS, type: JS }],
	["dashboard.css", { body: DASHBOARD_CSS, type: CSS }],
]);

/** Static files of /admin; public (they hold no data) and cached for an hour. */
export const assetRoutes = new Hono<AppEnv>();

assetRoutes.get("/assets/:name", (c) => {
	const asset = ASSETS.get(c.req.param("name"));
	if (!asset) return c.text("not found", 404);
	c.header("Content-Type", asset.type);
	c.header("Cache-Control", "public, max-age=3600");
	c.header("X-Content-Type-Options", "nosniff");
	return c.body(asset.body);
});

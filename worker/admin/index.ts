import { Hono } from "hono";
import { limitAdminBody } from "../http/limits";
import type { AppEnv } from "../http/types";
import { previewRoutes } from "./destinations/preview-routes";
import { destinationRoutes } from "./destinations/routes";
import { docsRoutes } from "./docs/routes";
import { exchangeRoutes } from "./exchange/routes";
import { grantRoutes } from "./grants/routes";
import { graphRoutes } from "./graph/routes";
import { inboundRoutes } from "./inbound/routes";
import { keyRoutes } from "./keys/routes";
import { apiApp } from "./openapi";
import { partnerRoutes } from "./partners/routes";
import { runRoutes } from "./runs/routes";
import { segmentRoutes } from "./segments/routes";
import { statsRoutes } from "./stats/routes";
import { traitRoutes } from "./traits/routes";

const api = apiApp();
api.use("*", async (c, next) => {
	c.set("errorStyle", "json");
	await next();
});
api.use("*", limitAdminBody);
api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
	type: "http",
	scheme: "bearer",
	description: "ADMIN_TOKEN for the operator; a partner API key (es_…) for partner routes",
});
api.route("/", partnerRoutes);
api.route("/", keyRoutes);
api.route("/", grantRoutes);
api.route("/", traitRoutes);
api.route("/", inboundRoutes);
api.route("/", segmentRoutes);
api.route("/", destinationRoutes);
api.route("/", previewRoutes);
api.route("/", runRoutes);
api.route("/", statsRoutes);
api.route("/", exchangeRoutes);
api.route("/", graphRoutes);
api.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: {
		title: "edgesync admin API",
		version: "1",
		description:
			"Partners, keys, access mappings (grants), traits, segments, destinations, outbound runs, inbound files and receipts, stats, the exchange layout migration, and the ID graph (a visitor, a partner ID) for access requests and support.",
	},
});

/** Admin API (/api/v1/...) and its interactive docs (/api/docs). */
export const adminApp = new Hono<AppEnv>();
adminApp.route("/api/v1", api);
adminApp.route("/", docsRoutes);

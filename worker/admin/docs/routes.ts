import { Hono, type MiddlewareHandler } from "hono";
import swaggerUiCss from "../../../node_modules/swagger-ui-dist/swagger-ui.css";
import swaggerUiJs from "../../../node_modules/swagger-ui-dist/swagger-ui-bundle.js";
import type { AppEnv } from "../../http/types";

/**
 * /api/docs: Swagger UI served by the Worker itself from the `swagger-ui-dist` package, bundled as text
 * (wrangler.toml [[rules]]). The page loads nothing from another origin, and its CSP says so: a
 * script from a CDN would run with the operator's token in reach of "Try it out".
 */
export const DOCS_PATH = "/api/docs";
export const DOCS_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

// No inline script: the page loads this file after the bundle. validatorUrl null: Swagger UI would
// otherwise show a badge image fetched from validator.swagger.io.
const INIT_JS = `"use strict";
window.ui = SwaggerUIBundle({
	url: "/api/v1/openapi.json",
	dom_id: "#swagger-ui",
	deepLinking: true,
	validatorUrl: null,
	presets: [SwaggerUIBundle.presets.apis],
	layout: "BaseLayout"
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edgesync admin API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const JS = "text/javascript; charset=utf-8";
const ASSETS = new Map([
	["swagger-ui-bundle.js", { body: swaggerUiJs, type: JS }],
	["swagger-ui.css", { body: swaggerUiCss, type: "text/css; charset=utf-8" }],
	["init.js", { body: INIT_JS, type: JS }],
]);

export const docsRoutes = new Hono<AppEnv>();

const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
	await next();
	c.header("Content-Security-Policy", DOCS_CSP);
	c.header("X-Content-Type-Options", "nosniff");
	c.header("Referrer-Policy", "no-referrer");
};
docsRoutes.use(DOCS_PATH, securityHeaders);
docsRoutes.use(`${DOCS_PATH}/*`, securityHeaders);

docsRoutes.get(DOCS_PATH, (c) => c.html(PAGE));

docsRoutes.get(`${DOCS_PATH}/:name`, (c) => {
	const asset = ASSETS.get(c.req.param("name"));
	if (!asset) return c.json({ error: "not found" }, 404);
	c.header("Content-Type", asset.type);
	c.header("Cache-Control", "public, max-age=3600");
	return c.body(asset.body);
});

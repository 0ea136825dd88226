// /api/docs: Swagger UI from the Worker itself, under a CSP that allows only the edge; no third-party
// script, no inline script.
import { describe, expect, it } from "vitest";
import { call, EDGE } from "./support/edge";

/** Every URL the page makes the browser load (src, href, and url() inside it). */
function urlsOf(html: string): string[] {
	return [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1] ?? "");
}

describe("/api/docs", () => {
	it("references only same-origin files and carries a CSP that allows only the edge", async () => {
		const res = await call("/api/docs");
		expect(res.status).toBe(200);
		const html = await res.text();
		const urls = urlsOf(html);
		expect(urls).toEqual(["/api/docs/swagger-ui.css", "/api/docs/swagger-ui-bundle.js", "/api/docs/init.js"]);
		for (const url of urls) expect(new URL(url, EDGE).origin).toBe(EDGE);
		// No inline script: every <script> has a src and an empty body.
		for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)) {
			expect(attrs).toMatch(/\ssrc=/);
			expect(body?.trim()).toBe("");
		}
		const csp = res.headers.get("Content-Security-Policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("script-src 'self';");
		expect(csp).toContain("connect-src 'self';");
		expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
	});

	it("serves Swagger UI, its style and the start-up script from the Worker, under the same CSP", async () => {
		const bundle = await call("/api/docs/swagger-ui-bundle.js");
		expect(bundle.status).toBe(200);
		expect(bundle.headers.get("Content-Type")).toMatch(/^text\/javascript/);
		expect(await bundle.text()).toContain("SwaggerUIBundle");
		const css = await call("/api/docs/swagger-ui.css");
		expect(css.headers.get("Content-Type")).toMatch(/^text\/css/);
		expect(await css.text()).toContain(".swagger-ui");
		const init = await call("/api/docs/init.js");
		const script = await init.text();
		expect(script).toContain('url: "/api/v1/openapi.json"');
		// Swagger UI would otherwise show a badge loaded from validator.swagger.io.
		expect(script).toContain("validatorUrl: null");
		for (const res of [bundle, css, init]) {
			expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
			expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
		}
		expect((await call("/api/docs/constructor")).status).toBe(404);
	});

	it("points at the OpenAPI document the edge serves", async () => {
		const doc = await call("/api/v1/openapi.json");
		expect(doc.status).toBe(200);
		expect(((await doc.json()) as { info: { title: string } }).info.title).toBe("edgesync admin API");
	});
});

// What every browser test file of the tag shares: one Chromium, one `wrangler dev` edge seeded with the
// demo partner, the site's web server(s), a fresh browser profile per test, and the page-side helpers.
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DEMO_SEED, type Edge, startEdge, stopEdges } from "../../../scripts/lib/wrangler-dev.ts";
import { launchChromium } from "./browser.ts";
import { bundlePageScripts } from "./bundles.ts";
import { type Site, startSite } from "./site.ts";
import { EDGE_VENDOR } from "./tcf.ts";

export interface Harness {
	browser: Browser;
	edge: Edge;
	/** The site: its origins (127.0.0.1 and localhost on its port) are the edge's SITE_ORIGINS. */
	site: Site;
	/** Another site on its own port, not in SITE_ORIGINS (a page the edge does not serve). */
	foreign: Site;
	/** The current test's browser profile (closed after each test). */
	context: BrowserContext;
	/** A fresh browser profile (no cookies) with one page, and the log of every request it makes to the edge. */
	openPage(): Promise<{ page: Page; edgeRequests: string[] }>;
	/** Matches requests and responses to the edge's `path` (a prefix, query included). */
	isCall(path: string): (r: Request | { url(): string }) => boolean;
	/** The UUID the tag hands the page once it has decided ("" when it has none). */
	uuidSeenByPage(page: Page): Promise<string>;
	cookieValue(url: string, name: string): Promise<string | undefined>;
}

/** Registers the file's hooks; the harness is ready inside tests. */
export function useHarness(): Harness {
	const h = {} as Harness;
	beforeAll(async () => {
		const scripts = await bundlePageScripts();
		h.browser = await launchChromium();
		h.site = await startSite(() => h.edge.origin, scripts);
		h.foreign = await startSite(() => h.edge.origin, scripts);
		const sites = [`http://127.0.0.1:${h.site.port}`, `http://localhost:${h.site.port}`];
		h.edge = await startEdge({
			seed: { file: DEMO_SEED },
			vars: {
				DEMO: "true",
				SITE_ORIGINS: sites.join(","),
				EDGE_TCF_VENDOR_ID: String(EDGE_VENDOR),
				// As deployed on another site than the pages: the uuid cookie is a third-party cookie there.
				COOKIE_SAMESITE: "None",
			},
		});
	});
	afterAll(async () => {
		await h.browser?.close();
		await stopEdges();
		await h.site?.stop();
		await h.foreign?.stop();
	});
	afterEach(async () => {
		await h.context?.close();
	});

	h.openPage = async () => {
		h.context = await h.browser.newContext();
		const page = await h.context.newPage();
		const edgeRequests: string[] = [];
		page.on("request", (r) => {
			if (r.url().startsWith(h.edge.origin)) edgeRequests.push(r.url().slice(h.edge.origin.length));
		});
		return { page, edgeRequests };
	};
	h.isCall = (path) => (r) => r.url().startsWith(`${h.edge.origin}${path}`);
	h.uuidSeenByPage = (page) =>
		page.evaluate(
			() =>
				new Promise<string>((resolve) => {
					const w = window as unknown as { edgesync?: { push(c: unknown): void } | unknown[] };
					w.edgesync = w.edgesync ?? [];
					w.edgesync.push(["getUuid", resolve]);
				}),
		);
	h.cookieValue = async (url, name) => (await h.context.cookies(url)).find((c) => c.name === name)?.value;
	return h;
}

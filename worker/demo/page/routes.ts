import { Hono } from "hono";
import { html, raw } from "hono/html";
import { settingsOf } from "../../../core/config/settings";
import type { AppEnv } from "../../http/types";

/** The /demo page that embeds the tag (only when DEMO is on). */
export const demoPageRoutes = new Hono<AppEnv>();

// Runs before the tag: queues a UUID callback, and lists every image request the page makes (the
// sync pixels and the opt-out pixel) from Resource Timing, so the page needs no hook in the tag.
const PAGE_SCRIPT = `
window.edgesync = window.edgesync || [];
const $ = (id) => document.getElementById(id);
edgesync.push(["getUuid", (uuid) => {
	$("uuid").textContent = uuid || "(none: no consent, or opted out)";
	$("cookie").textContent = document.cookie.match(/(?:^|; )_es_id=([^;]*)/)?.[1] || "(not set)";
}]);
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) {
		if (entry.initiatorType !== "img") continue;
		const li = document.createElement("li");
		li.textContent = entry.name;
		$("syncs").append(li);
		$("none").hidden = true;
	}
}).observe({ type: "resource", buffered: true });
$("again").onclick = () => {
	document.cookie = "_es_t=; Max-Age=0; Path=/";
	location.reload();
};
$("optout").onclick = () => edgesync.push(["optOut", () => location.reload()]);
`;

const page = html`<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		<title>edgesync demo</title>
		<style>
			body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
			code, li { font-family: ui-monospace, monospace; font-size: 0.85rem; word-break: break-all; }
			dt { font-weight: 600; margin-top: 0.75rem; }
			button { margin-right: 0.5rem; }
		</style>
	</head>
	<body>
		<h1>edgesync demo</h1>
		<p>
			This page embeds the tag exactly as a site would:
			<code>&lt;script async src="/tag.js"&gt;&lt;/script&gt;</code>. The tag asked <code>/id</code> for this
			browser's UUID and fired the partner syncs that were due; the demo vendor (DPID 1000) answered each
			with a redirect to <code>/ibs</code>, and the pair went through the queue into D1.
		</p>
		<dl>
			<dt>UUID</dt>
			<dd id="uuid">(waiting for the tag…)</dd>
			<dt>First-party copy (<code>_es_id</code> cookie: the UUID and the edge's signature)</dt>
			<dd id="cookie">…</dd>
			<dt>Syncs fired on this page view</dt>
			<dd>
				<span id="none">none: within the interval the tag does not call <code>/id</code> again</span>
				<ol id="syncs"></ol>
			</dd>
		</dl>
		<p>
			<button id="again" type="button">Forget the interval and reload</button>
			<button id="optout" type="button">Opt out</button>
		</p>
		<p>
			See your pairs: <code>curl -H "Authorization: Bearer $ADMIN_TOKEN" http://localhost:8787/api/v1/visitors/&lt;your uuid&gt;</code>
			(<code>ADMIN_TOKEN</code> is in <code>.dev.vars</code>)
		</p>
		<script>
			${raw(PAGE_SCRIPT)}
		</script>
		<script async src="/tag.js"></script>
	</body>
</html>
`;

demoPageRoutes.get("/demo", async (c) => {
	if (!settingsOf(c.env).demo) return c.notFound();
	c.header("Cache-Control", "no-store");
	return c.html(await page);
});

import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");

/**
 * A site owner's web server: serves test/e2e/fixtures/<name>.html with %EDGE% replaced, and the site's own
 * bundled scripts (support/bundles.ts) at /<name>.js.
 */
export interface Site {
	port: number;
	/** The fixture page's URL on `host` (127.0.0.1 is same-site with the edge, localhost is not). */
	url(fixture: string, host?: "127.0.0.1" | "localhost", query?: Record<string, string>): string;
	stop(): Promise<void>;
}

export async function startSite(edgeOrigin: () => string, scripts = new Map<string, string>()): Promise<Site> {
	const server = createServer(async (req, res) => {
		const name = new URL(req.url ?? "/", "http://site").pathname.slice(1);
		const script = scripts.get(name);
		if (script !== undefined) {
			res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" }).end(script);
			return;
		}
		if (!/^[a-z0-9-]+\.html$/.test(name)) {
			res.writeHead(404).end();
			return;
		}
		try {
			const page = (await readFile(path.join(FIXTURES, name), "utf8")).replaceAll("%EDGE%", edgeOrigin());
			res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(page);
		} catch {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	return {
		port,
		url: (fixture, host = "127.0.0.1", query = {}) =>
			`http://${host}:${port}/${fixture}.html${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`,
		stop: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

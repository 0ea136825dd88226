// The site's own scripts for the fixture pages (test/e2e/pages/*.ts), bundled with esbuild as a site that
// bundles its scripts would: the IAB reference CMPs, Prebid.js from npm, the tag's ESM module.
import { readdirSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const PAGES = path.join(import.meta.dirname, "..", "pages");

/** Every page script, bundled into one IIFE each: "<name>.js" → its code. */
export async function bundlePageScripts(): Promise<Map<string, string>> {
	const entries = readdirSync(PAGES).filter((f) => f.endsWith(".ts"));
	const result = await build({
		entryPoints: entries.map((f) => path.join(PAGES, f)),
		outdir: "/bundles",
		bundle: true,
		format: "iife",
		target: ["es2020"],
		write: false,
		logLevel: "warning",
	});
	return new Map(result.outputFiles.map((f) => [path.basename(f.path), f.text]));
}

// `npm run build:tag`: bundles tag/src into one minified IIFE at dist/tag.js, prints its minified,
// gzip and brotli sizes, and fails when gzip exceeds the budget (docs/tag-architecture.md).
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { GZIP_BUDGET, tagSizes } from "./size.ts";

const root = path.join(import.meta.dirname, "..");
const outfile = path.join(root, "dist", "tag.js");

const result = await build({
	entryPoints: [path.join(import.meta.dirname, "src", "index.ts")],
	outfile,
	bundle: true,
	format: "iife",
	minify: true,
	// Browsers of the last ~5 years: async/await and optional chaining stay native (smaller).
	target: ["es2020"],
	// ASCII output, so the Worker's text import serves exactly these bytes.
	charset: "ascii",
	legalComments: "none",
	// The IIFE is its own scope; a "use strict" prologue would only cost bytes.
	tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
	metafile: true,
	logLevel: "warning",
});

const { minified, gzip, brotli } = tagSizes(readFileSync(outfile));

const output = Object.values(result.metafile.outputs)[0];
const modules = Object.entries(output?.inputs ?? {})
	.map(([file, { bytesInOutput }]) => `${String(bytesInOutput).padStart(6)}  ${file}`)
	.sort()
	.reverse();
console.log(`dist/tag.js\n${modules.join("\n")}`);
console.log(`minified ${minified} B, gzip ${gzip} B, brotli ${brotli} B (gzip budget ${GZIP_BUDGET} B)`);

if (gzip > GZIP_BUDGET) {
	console.error(`✖ dist/tag.js is ${gzip - GZIP_BUDGET} B over its ${GZIP_BUDGET} B gzip budget`);
	process.exit(1);
}

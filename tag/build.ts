// `npm run build:tag`: bundles tag/src twice from the same sources, a minified IIFE for the script
// element (dist/tag.js, from index.ts) and a minified ES module for sites that bundle their scripts
// (dist/tag.mjs, from module.ts, with its declarations in dist/tag.d.mts); prints each one's minified,
// gzip and brotli sizes and fails when either is over the gzip budget (docs/tag-architecture.md).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type Format } from "esbuild";
import ts from "typescript";
import { GZIP_BUDGET, tagSizes } from "./size.ts";

const root = path.join(import.meta.dirname, "..");
const src = path.join(import.meta.dirname, "src");

async function bundle(entry: string, out: string, format: Format): Promise<boolean> {
	const outfile = path.join(root, "dist", out);
	const result = await build({
		entryPoints: [path.join(src, entry)],
		outfile,
		bundle: true,
		format,
		minify: true,
		// Browsers of the last ~5 years: async/await and optional chaining stay native (smaller).
		target: ["es2020"],
		// ASCII output, so the Worker's text import serves exactly these bytes.
		charset: "ascii",
		legalComments: "none",
		// The IIFE is its own scope and a module is strict anyway; a "use strict" prologue would only cost bytes.
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
	console.log(`dist/${out}\n${modules.join("\n")}`);
	console.log(`minified ${minified} B, gzip ${gzip} B, brotli ${brotli} B (gzip budget ${GZIP_BUDGET} B)`);
	if (gzip <= GZIP_BUDGET) return true;
	console.error(`✖ dist/${out} is ${gzip - GZIP_BUDGET} B over its ${GZIP_BUDGET} B gzip budget`);
	return false;
}

/**
 * dist/tag.d.mts: TypeScript's own declaration output for module.ts. The module's public signatures use
 * only types declared in module.ts, so the file must import nothing; if it did, a site's compiler would
 * look for files we do not ship, so the build fails instead.
 */
function declarations(): boolean {
	const config = ts.getParsedCommandLineOfConfigFile(
		path.join(import.meta.dirname, "tsconfig.json"),
		{},
		{
			...ts.sys,
			onUnRecoverableConfigFileDiagnostic: () => {},
		},
	);
	let text = "";
	const program = ts.createProgram([path.join(src, "module.ts")], {
		...config?.options,
		noEmit: false,
		declaration: true,
		emitDeclarationOnly: true,
	});
	const emitted = program.emit(program.getSourceFile(path.join(src, "module.ts")), (_file, data) => {
		text = data;
	});
	if (emitted.emitSkipped || !text) {
		console.error("✖ TypeScript emitted no declarations for tag/src/module.ts");
		return false;
	}
	if (/^\s*import\b|\bimport\(/m.test(text)) {
		console.error(`✖ dist/tag.d.mts would import other files; declare its types in module.ts:\n${text}`);
		return false;
	}
	writeFileSync(path.join(root, "dist", "tag.d.mts"), text);
	console.log("dist/tag.d.mts");
	return true;
}

const ok = [await bundle("index.ts", "tag.js", "iife"), await bundle("module.ts", "tag.mjs", "esm"), declarations()];
if (ok.includes(false)) process.exit(1);

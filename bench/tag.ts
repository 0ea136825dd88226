// The tag's bytes against its budget (the build enforces it; this prints it with the other figures).
import { readFileSync } from "node:fs";
import { GZIP_BUDGET, tagSizes } from "../tag/size.ts";
import { run } from "./lib/proc.ts";

export function benchTag(): void {
	run("npm", ["run", "--silent", "build:tag"]);
	const { minified, gzip, brotli } = tagSizes(readFileSync("dist/tag.js"));
	const share = (n: number) => `${((100 * n) / GZIP_BUDGET).toFixed(0)}% of the budget`;
	console.log(`\nTag (dist/tag.js, js-cookie included), budget ${GZIP_BUDGET.toLocaleString("en-US")} B gzip`);
	console.log(`  minified ${minified.toLocaleString("en-US").padStart(6)} B`);
	console.log(`  gzip -9  ${gzip.toLocaleString("en-US").padStart(6)} B   ${share(gzip)}`);
	console.log(`  brotli   ${brotli.toLocaleString("en-US").padStart(6)} B   ${share(brotli)}`);
}

if (import.meta.main) benchTag();

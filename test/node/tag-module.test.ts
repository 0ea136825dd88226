// The tag's ES module as a site's build sees it: the declarations TypeScript emitted (dist/tag.d.mts),
// reached through package.json "exports" ("edgesync/tag"), type-check a consumer and refuse misuse; the
// module itself loads and never throws. Needs `npm run build` (as every test of the tag's build output).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const dist = (file: string) => path.join(root, "dist", file);
/** The bundled test page's source (test/e2e/pages/esm-site.ts): the consumer the browser test runs. */
const CONSUMER = path.join(root, "test/e2e/pages/esm-site.ts");

const OPTIONS: ts.CompilerOptions = {
	target: ts.ScriptTarget.ES2020,
	module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler,
	lib: ["lib.es2020.d.ts", "lib.dom.d.ts"],
	types: [],
	strict: true,
	noEmit: true,
};

/** Misuse a site's compiler must refuse, compiled beside the consumer (in memory, never on disk). */
const MISUSE = path.join(root, "test/e2e/pages/misuse.ts");
const MISUSE_TEXT = [
	'import { getUuid, start, type Options } from "edgesync/tag";',
	"start({});",
	'start({ edge: "https://e.example", maxSyncs: "five" });',
	'const options: Options = { edge: "https://e.example", gdpr: "2" };',
	"getUuid().then((uuid) => uuid.toFixed());",
].join("\n");

/** One program for both files, as a site's build would compile them (lib.dom alone takes seconds to load). */
let program: ts.Program | undefined;
function diagnostics(file: string): string[] {
	if (!program) {
		const host = ts.createCompilerHost(OPTIONS);
		const exists = host.fileExists.bind(host);
		const get = host.getSourceFile.bind(host);
		host.fileExists = (f) => f === MISUSE || exists(f);
		host.getSourceFile = (f, language, ...rest) =>
			f === MISUSE ? ts.createSourceFile(f, MISUSE_TEXT, language) : get(f, language, ...rest);
		program = ts.createProgram([CONSUMER, MISUSE], OPTIONS, host);
	}
	const source = program.getSourceFile(file);
	return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) =>
		ts.flattenDiagnosticMessageText(d.messageText, "\n"),
	);
}

describe("the ES module's declarations (dist/tag.d.mts)", () => {
	it("exist beside the module and import nothing else", () => {
		expect(existsSync(dist("tag.mjs"))).toBe(true);
		const declared = readFileSync(dist("tag.d.mts"), "utf8");
		expect(declared).not.toMatch(/\bimport\b/);
		expect(declared).toMatch(
			/export declare function start\(options: Options\): void;|export declare const start: \(options: Options\) => void;/,
		);
		expect(declared).toContain("export declare const getUuid: () => Promise<string>;");
		expect(declared).toContain("export declare const optOut: () => Promise<void>;");
	});

	// Loading TypeScript's DOM declarations takes seconds on a busy machine.
	it("type-check the site's bundled page through package.json exports", { timeout: 60_000 }, () => {
		expect(diagnostics(CONSUMER)).toEqual([]);
	});

	it("refuse a call without the edge, a wrong option type, a gdpr other than 0/1 and a UUID used as a number", {
		timeout: 60_000,
	}, () => {
		const errors = diagnostics(MISUSE);
		expect(errors).toHaveLength(4);
		expect(errors[0]).toMatch(/'edge' is missing/);
		expect(errors[1]).toMatch(/'string' is not assignable to type 'number'/);
		expect(errors[2]).toMatch(/'"2"' is not assignable/);
		expect(errors[3]).toMatch(/'toFixed' does not exist on type 'string'/);
	});
});

describe("the ES module at run time", () => {
	it("loads by its package name and exports start, getUuid and optOut", async () => {
		const tag = await import("edgesync/tag");
		expect(Object.keys(tag).sort()).toEqual(["getUuid", "optOut", "start"]);
	});

	it("start() never throws, even where there is no window at all", async () => {
		const { start } = await import("edgesync/tag");
		expect(() => start({ edge: "https://e.example" })).not.toThrow();
	});
});

#!/usr/bin/env node
// `npx edgesync validate <file>`: the vendor CLI. Node (>= 22.18) runs this TypeScript as it is, by
// type stripping, but its loader needs file extensions on relative imports, which the edge's modules
// (written for bundlers: wrangler, vitest) leave out. A resolve hook adds them for files of this
// repository, before anything else is imported; nothing is compiled or bundled.
interface Resolved {
	url: string;
}
interface ResolveContext {
	parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Resolved;
interface NodeModuleApi {
	registerHooks(hooks: { resolve(specifier: string, context: ResolveContext, next: NextResolve): Resolved }): void;
}

const nodeModule: NodeModuleApi = process.getBuiltinModule("node:module");
nodeModule.registerHooks({
	resolve(specifier, context, next) {
		const local = context.parentURL?.startsWith("file:") && !context.parentURL.includes("/node_modules/");
		if (!local || !/^\.\.?\//.test(specifier) || /\.[cm]?[jt]s$/.test(specifier)) return next(specifier, context);
		try {
			return next(`${specifier}.ts`, context);
		} catch {
			return next(`${specifier}/index.ts`, context);
		}
	},
});

const { main } = await import("./node-main");
await main();

// A module (not a script), for top-level await.
export {};

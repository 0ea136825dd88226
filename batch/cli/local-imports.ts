// Lets Node import the edge's own modules as they are. Node (>= 22.18) runs TypeScript by type stripping,
// but its loader needs file extensions on relative imports, which the edge's modules (written for
// bundlers: wrangler, vitest) leave out. A resolve hook adds `.ts` or `/index.ts` to relative imports of
// files outside node_modules. Nothing is compiled or bundled. Used by the vendor CLI and the benches.
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

let registered = false;

export function registerLocalImports(): void {
	if (registered) return;
	registered = true;
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
}

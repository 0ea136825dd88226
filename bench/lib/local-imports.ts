// Lets Node import the edge's own modules (written for bundlers: relative imports without extensions),
// the way batch/cli/edgesync.ts does for the vendor CLI: a resolve hook adds `.ts` or `/index.ts` to
// relative imports of files outside node_modules. Nothing is compiled or bundled.
import { registerHooks } from "node:module";

let registered = false;

export function registerLocalImports(): void {
	if (registered) return;
	registered = true;
	registerHooks({
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

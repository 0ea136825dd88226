import { compileTemplate } from "./compile";
import type { Role } from "./macros";
import { TemplateError } from "./syntax";

/** Why a destination cannot be saved with this template (null: it can), in words for the operator. */
export function templateProblem(source: string, role: Role): string | null {
	try {
		// Lines are keyed by the partner's own ID (SPEC §6): every line must carry it, removal lines too
		// (they name no visitor), and one partner ID is one line.
		if (role === "line" && !compileTemplate(source, role).keyed)
			return "the template must write DP_UUID outside any <if(…)> and any list: every line is keyed by the partner's user ID (AAM's default starts with it)";
		if (role === "header") compileTemplate(source, role);
		return null;
	} catch (err) {
		if (err instanceof TemplateError) return err.message;
		throw err;
	}
}

import { compileTemplate } from "./compile";
import type { Role } from "./macros";
import { TemplateError } from "./syntax";

/** Macros that say whose line it is: a line template must name one. */
const KEYS = ["DP_UUID", "UUID", "DP_UUID_LIST"];

/** Why a destination cannot be saved with this template (null: it can), in words for the operator. */
export function templateProblem(source: string, role: Role): string | null {
	try {
		const { names } = compileTemplate(source, role);
		if (role === "line" && !KEYS.some((k) => names.has(k)))
			return `the template names no member: use ${KEYS.join(", ")} (AAM's default starts with DP_UUID)`;
		return null;
	} catch (err) {
		if (err instanceof TemplateError) return err.message;
		throw err;
	}
}

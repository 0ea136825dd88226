import { NonRetryableError } from "cloudflare:workflows";
import { isTargetSecretName, TARGET_SECRET_PREFIX } from "../destinations/schema";
import { publicUrlProblem } from "../public-url";

/**
 * A target secret from the Worker's secrets, by the name the destination gives. Only names reserved
 * for target secrets are read (a destination saved before the rule could name ADMIN_TOKEN); a wrong
 * name or a missing secret is a setup error that retrying cannot fix, so it fails the send at once.
 */
export function secretNamed(env: Env, name: string): string {
	if (!isTargetSecretName(name)) {
		throw new NonRetryableError(
			`${name} is not a target secret: a destination may only name Worker secrets starting with ${TARGET_SECRET_PREFIX} (put the value under such a name and update the destination)`,
		);
	}
	const value: unknown = Reflect.get(env, name);
	if (typeof value !== "string" || value === "") {
		throw new NonRetryableError(`Worker secret ${name} is not set (wrangler secret put ${name})`);
	}
	return value;
}

/**
 * Refuses, before anything is sent, an endpoint that is not a public https host (a destination saved
 * before the rule, or edited in D1 by hand): retrying cannot fix it.
 */
export function assertPublicEndpoint(label: string, url: string): void {
	const problem = publicUrlProblem(url);
	if (problem) throw new NonRetryableError(`${label} ${url} is refused: ${problem}`);
}

import { MIN_SECRET_CHARS, secretProblem } from "./secret-strength";

/**
 * The edge's own secrets, checked before anything is served: a guessable ADMIN_TOKEN opens the admin
 * API, a weak SESSION_SECRET lets anyone forge a dashboard session, a weak FPID_SECRET lets a page make
 * up visitors.
 */
export interface Secrets {
	adminToken: string;
	sessionSecret: string;
	fpidSecret: string;
}

const NAMES = { adminToken: "ADMIN_TOKEN", sessionSecret: "SESSION_SECRET", fpidSecret: "FPID_SECRET" } as const;

const cache = new WeakMap<object, Secrets>();

export function secretsOf(env: Env): Secrets {
	const cached = cache.get(env);
	if (cached) return cached;
	const secrets: Secrets = {
		adminToken: env.ADMIN_TOKEN ?? "",
		sessionSecret: env.SESSION_SECRET ?? "",
		fpidSecret: env.FPID_SECRET ?? "",
	};
	const problems = (Object.keys(NAMES) as Array<keyof Secrets>).flatMap((field) => {
		const problem = secretProblem(secrets[field]);
		return problem ? [`${NAMES[field]} ${problem}`] : [];
	});
	if (problems.length > 0) {
		throw new Error(
			`edgesync refuses to run: ${problems.join("; ")}. Set each with \`wrangler secret put <NAME>\` to at least ${MIN_SECRET_CHARS} random characters, e.g. the output of \`openssl rand -base64 33\`.`,
		);
	}
	cache.set(env, secrets);
	return secrets;
}

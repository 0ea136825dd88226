// The set-up as a pure function: what an environment needs and what the account already has → the ordered
// actions that close the gap. Nothing here touches the network or a file, so the plan is tested offline
// and printed by `--dry-run` exactly as it would run.
import type { EnvNeeds } from "./needs.ts";

/**
 * Secrets nobody needs to know, so Enter generates them when asked. ADMIN_TOKEN is not among them: the
 * operator logs in with it, so it comes from the operator's password manager and the set-up never shows it.
 */
export const GENERATED_WHEN_EMPTY = ["SESSION_SECRET", "FPID_SECRET"];

/** What the account holds, as the wrangler list commands report it. */
export interface AccountState {
	d1: { name: string; id: string }[];
	buckets: string[];
	queues: string[];
	/** Secrets set on the environment's Worker (none when the Worker does not exist yet). */
	secrets: string[];
}

export type Action =
	| { kind: "create-d1"; name: string }
	/** id null: the id of the database created by the action before (known only when it has run). */
	| { kind: "record-d1-id"; binding: string; name: string; id: string | null }
	| { kind: "create-bucket"; name: string }
	| { kind: "create-queue"; name: string }
	| { kind: "apply-migrations"; binding: string }
	| { kind: "ask-secrets"; names: string[] }
	| { kind: "deploy"; secrets: string[] };

export interface Plan {
	needs: EnvNeeds;
	/** What was found in the account (empty when it could not be listed). */
	found: string[];
	actions: Action[];
}

/**
 * The ordered actions for `needs` given `state` (null: the account could not be listed, so assume nothing
 * exists). Order matters: the database exists and its id is recorded before its migrations are applied,
 * and everything the Worker binds exists before the deploy that binds it.
 */
export function planSetup(needs: EnvNeeds, state: AccountState | null): Plan {
	const have: AccountState = state ?? { d1: [], buckets: [], queues: [], secrets: [] };
	const found: string[] = [];
	const actions: Action[] = [];
	for (const db of needs.d1) {
		const existing = have.d1.find((d) => d.name === db.name);
		if (existing) found.push(`D1 database ${db.name} (${existing.id})`);
		else actions.push({ kind: "create-d1", name: db.name });
		const id = existing?.id ?? null;
		if (id === null || id !== db.id) actions.push({ kind: "record-d1-id", binding: db.binding, name: db.name, id });
	}
	for (const name of needs.buckets) {
		if (have.buckets.includes(name)) found.push(`R2 bucket ${name}`);
		else actions.push({ kind: "create-bucket", name });
	}
	for (const name of needs.queues) {
		if (have.queues.includes(name)) found.push(`queue ${name}`);
		else actions.push({ kind: "create-queue", name });
	}
	for (const db of needs.d1) actions.push({ kind: "apply-migrations", binding: db.binding });
	const missing = needs.secrets.filter((s) => !have.secrets.includes(s));
	const present = needs.secrets.filter((s) => have.secrets.includes(s));
	if (present.length > 0) found.push(`secrets ${present.join(", ")} (kept as they are)`);
	if (missing.length > 0) actions.push({ kind: "ask-secrets", names: missing });
	actions.push({ kind: "deploy", secrets: missing });
	return { needs, found, actions };
}

/** Actions that create something or change the configuration (a second run should have none). */
export function changes(plan: Plan): Action[] {
	return plan.actions.filter((a) => a.kind !== "apply-migrations" && a.kind !== "deploy");
}

/** The wrangler command an action runs, or null for the steps the set-up does itself. */
export function wranglerArgs(action: Action, env: string): string[] | null {
	switch (action.kind) {
		case "create-d1":
			return ["d1", "create", action.name, "--env", env];
		case "create-bucket":
			return ["r2", "bucket", "create", action.name, "--env", env];
		case "create-queue":
			return ["queues", "create", action.name, "--env", env];
		case "apply-migrations":
			return ["d1", "migrations", "apply", action.binding, "--remote", "--env", env];
		case "deploy":
			return ["deploy", "--env", env, ...(action.secrets.length > 0 ? ["--secrets-file", "<temporary file>"] : [])];
		case "record-d1-id":
		case "ask-secrets":
			return null;
	}
}

/** One line per action, as the plan is printed. */
export function describe(action: Action, env: string): string {
	switch (action.kind) {
		case "create-d1":
			return `create D1 database ${action.name}`;
		case "record-d1-id":
			return `record ${action.id === null ? "its id" : `id ${action.id}`} as [env.${env}] d1_databases ${action.binding} in wrangler.toml`;
		case "create-bucket":
			return `create R2 bucket ${action.name}`;
		case "create-queue":
			return `create queue ${action.name}`;
		case "apply-migrations":
			return `apply the D1 migrations ${action.binding} does not have yet (none when it has them all)`;
		case "ask-secrets":
			return `ask for the missing secrets ${action.names.join(", ")} (${secretsHint(action.names)})`;
		case "deploy":
			return action.secrets.length > 0 ? `deploy, uploading ${action.secrets.join(", ")} with it` : "deploy";
	}
}

function secretsHint(names: string[]): string {
	const generated = names.filter((n) => GENERATED_WHEN_EMPTY.includes(n));
	const hint = "typed hidden, or taken from an environment variable of the same name";
	return generated.length > 0 ? `${hint}; Enter generates ${generated.join(", ")}` : hint;
}

/** The printed plan: what was found, the numbered actions with their commands, what the deploy brings. */
export function formatPlan(plan: Plan): string {
	const { env, worker } = plan.needs;
	const lines = [`Plan for environment ${env} (Worker ${worker}):`];
	plan.actions.forEach((action, i) => {
		const args = wranglerArgs(action, env);
		lines.push(`  ${String(i + 1).padStart(2)}. ${describe(action, env)}`);
		if (args) lines.push(`      npx wrangler ${args.join(" ")}`);
	});
	lines.push("Found in the account, left as it is:");
	lines.push(...(plan.found.length > 0 ? plan.found.map((f) => `  - ${f}`) : ["  (nothing)"]));
	lines.push("Created or bound by the deploy itself:");
	lines.push(...plan.needs.withDeploy.map((w) => `  - ${w}`));
	lines.push("Check before deploying:");
	lines.push(...plan.needs.warnings.map((w) => `  ! ${w}`));
	return lines.join("\n");
}

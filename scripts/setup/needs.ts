// What one deployed environment needs from the Cloudflare account, read from the wrangler configuration
// as wrangler itself resolves it for `--env <name>` (inheritance and all).
import type { Unstable_Config } from "wrangler";

export interface D1Need {
	binding: string;
	name: string;
	/** The id recorded in the configuration, if any. */
	id: string | null;
}

export interface EnvNeeds {
	env: string;
	worker: string;
	d1: D1Need[];
	buckets: string[];
	/** Every queue the Worker sends to, consumes or dead-letters into. */
	queues: string[];
	secrets: string[];
	/** What `wrangler deploy` creates or binds by itself: listed in the plan, nothing to do before. */
	withDeploy: string[];
	/** What the operator should look at before deploying: vars the deploy sets that leave a feature off. */
	warnings: string[];
}

/** Vars that, left empty, turn something off that a deployment almost always wants (README "Deploy"). */
const EMPTY_MEANS = {
	SITE_ORIGINS: "every site's /id call is refused (403): the tag gets no UUID",
	OPERATOR_EMAIL: "receipts are mailed to nobody but the partners' own recipients",
	RECEIPT_FROM: "no receipt is mailed at all",
} as const;

/** Ids the manual set-up put into wrangler.toml before an id was known; never a real database. */
const PLACEHOLDER_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

const unique = (names: (string | undefined)[]) => [...new Set(names.filter((n): n is string => Boolean(n)))];

export function needsOf(env: string, config: Unstable_Config): EnvNeeds {
	const d1 = config.d1_databases.map((db) => {
		if (!db.database_name) throw new Error(`[env.${env}] d1_databases ${db.binding} has no database_name`);
		const id = db.database_id && !PLACEHOLDER_ID.test(db.database_id) ? db.database_id : null;
		return { binding: db.binding, name: db.database_name, id };
	});
	const buckets = config.r2_buckets.map((b) => {
		if (!b.bucket_name) throw new Error(`[env.${env}] r2_buckets ${b.binding} has no bucket_name`);
		return b.bucket_name;
	});
	const queues = unique([
		...(config.queues.producers ?? []).map((p) => p.queue),
		...(config.queues.consumers ?? []).flatMap((c) => [c.queue, ...(c.dead_letter_queue ? [c.dead_letter_queue] : [])]),
	]);
	return {
		env,
		worker: config.name ?? "",
		d1,
		buckets: unique(buckets),
		queues,
		secrets: config.secrets?.required ?? [],
		withDeploy: withDeploy(config),
		warnings: warningsOf(env, config),
	};
}

function warningsOf(env: string, config: Unstable_Config): string[] {
	const vars = config.vars as Record<string, unknown>;
	const empty = Object.entries(EMPTY_MEANS)
		.filter(([name]) => vars[name] === undefined || vars[name] === "")
		.map(([name, means]) => `${name} is empty in [env.${env}.vars]: ${means}`);
	// A deploy replaces every var: values once set at the top level or in the dashboard are not kept.
	return [
		...empty,
		`the deploy sets the Worker's vars to [env.${env}.vars] exactly: move any value set elsewhere (the top-level [vars] of a hand-made deployment, the dashboard) there first`,
	];
}

function withDeploy(config: Unstable_Config): string[] {
	const lines: string[] = [];
	const classes = config.durable_objects.bindings.map((b) => b.class_name);
	if (classes.length > 0) {
		const tags = config.migrations.map((m) => m.tag).join(", ");
		lines.push(`Durable Object classes ${classes.join(", ")} (migrations ${tags})`);
	}
	if (config.workflows.length > 0) lines.push(`workflows ${config.workflows.map((w) => w.name).join(", ")}`);
	if (config.ratelimits.length > 0) {
		const spaces = config.ratelimits.map((r) => `${r.name} ${r.namespace_id}`).join(", ");
		lines.push(`rate-limit namespaces (ids are chosen here, nothing to create) ${spaces}`);
	}
	if (config.triggers.crons?.length) lines.push(`cron ${config.triggers.crons.join(", ")}`);
	if (config.send_email.length > 0) lines.push(`send_email ${config.send_email.map((e) => e.name).join(", ")}`);
	return lines;
}

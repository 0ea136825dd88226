// Wrangler does not inherit bindings, vars or secrets into an environment, so each deployed environment
// repeats them. This lists where one no longer matches the top level (the local default the tests run):
// a binding, var or required secret added above but not to the environment, or the other way round.
import type { Unstable_Config } from "wrangler";

type Extract = (c: Unstable_Config) => string[];

/** Per kind, what must be the same in every environment: binding names and how each behaves. */
const KINDS: Record<string, Extract> = {
	vars: (c) => Object.keys(c.vars),
	"secrets.required": (c) => c.secrets?.required ?? [],
	d1_databases: (c) => c.d1_databases.map((d) => `${d.binding} (migrations_dir ${d.migrations_dir})`),
	r2_buckets: (c) => c.r2_buckets.map((b) => b.binding),
	"queues.producers": (c) => (c.queues.producers ?? []).map((p) => p.binding),
	// Consumers are named by queue, and queue names differ per environment: compare them through the
	// producer binding that sends to the queue (the dead-letter queue has none) and their settings.
	"queues.consumers": (c) =>
		(c.queues.consumers ?? []).map((q) => {
			const sender = (c.queues.producers ?? []).find((p) => p.queue === q.queue)?.binding ?? "(dead letters)";
			const dlq = q.dead_letter_queue ? " → dead letters" : "";
			return `${sender}: batch ${q.max_batch_size}/${q.max_batch_timeout}s, retries ${q.max_retries ?? "default"}${dlq}`;
		}),
	"durable_objects.bindings": (c) => c.durable_objects.bindings.map((b) => `${b.name} → ${b.class_name}`),
	workflows: (c) => c.workflows.map((w) => `${w.binding} → ${w.class_name}`),
	ratelimits: (c) => c.ratelimits.map((r) => `${r.name} ${r.simple.limit}/${r.simple.period}s`),
	send_email: (c) => c.send_email.map((e) => e.name),
};

/** One line per difference between `env` and `top` ("" when none). */
export function envDrift(envName: string, top: Unstable_Config, env: Unstable_Config): string[] {
	const problems: string[] = [];
	for (const [kind, extract] of Object.entries(KINDS)) {
		const want = extract(top);
		const have = extract(env);
		for (const item of want.filter((w) => !have.includes(w))) {
			problems.push(`${kind}: "${item}" is at the top level but not in [env.${envName}]`);
		}
		for (const item of have.filter((h) => !want.includes(h))) {
			problems.push(`${kind}: "${item}" is in [env.${envName}] but not at the top level`);
		}
	}
	return problems;
}

/** Every account-wide name an environment uses: two environments must share none. */
export function resourceNames(c: Unstable_Config): string[] {
	return [
		...c.d1_databases.map((d) => `d1 ${d.database_name}`),
		...c.r2_buckets.map((b) => `r2 ${b.bucket_name}`),
		...(c.queues.producers ?? []).map((p) => `queue ${p.queue}`),
		...(c.queues.consumers ?? []).flatMap((q) => [
			`queue ${q.queue}`,
			...(q.dead_letter_queue ? [`queue ${q.dead_letter_queue}`] : []),
		]),
		...c.workflows.map((w) => `workflow ${w.name}`),
		...c.ratelimits.map((r) => `ratelimit namespace ${r.namespace_id}`),
		`worker ${c.name}`,
	];
}

// wrangler.toml's deployed environments against its top level: wrangler inherits no binding, var or
// secret into an environment, so each repeats them; these fail when one drifts (a binding added at the
// top level and forgotten in production) or when two environments would share account-wide resources.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { envDrift, resourceNames } from "../../scripts/setup/drift.ts";

const root = path.resolve(import.meta.dirname, "../..");
const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "edgesync-envs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function read(text: string, env?: string) {
	const file = path.join(dir, `wrangler-${++files}.toml`);
	writeFileSync(file, text);
	return unstable_readConfig({ config: file, env }, { hideWarnings: true });
}

const ENVS = ["staging", "production"];
const top = read(toml);

describe("wrangler.toml environments", () => {
	it.each(ENVS)("%s has every binding, var and required secret of the top level, and no other", (env) => {
		expect(envDrift(env, top, read(toml, env))).toEqual([]);
	});

	it("staging shares no Worker, database, bucket, queue, workflow or rate-limit namespace with production", () => {
		const staging = resourceNames(read(toml, "staging"));
		const production = resourceNames(read(toml, "production"));
		expect(staging.filter((n) => production.includes(n))).toEqual([]);
		// Staging's names say so, so nothing can mistake them for production's.
		const named = staging.filter((n) => !n.startsWith("ratelimit") && !n.includes("edgesync-staging"));
		expect(named).toEqual([]);
		// The top level is local only; production keeps its names so a hand-made deployment is found.
		expect(new Set(resourceNames(top))).toEqual(new Set(production));
	});

	it("reports a binding added at the top level but not in an environment, and a var only in one", () => {
		const added = toml.replace(
			"# Pair archive:",
			'[[queues.producers]]\nbinding = "PAIRS_QUEUE_4"\nqueue = "edgesync-pairs-4"\n\n# Pair archive:',
		);
		expect(envDrift("production", read(added), read(added, "production"))).toEqual([
			'queues.producers: "PAIRS_QUEUE_4" is at the top level but not in [env.production]',
		]);
		const extraVar = toml.replace("[env.staging.vars]\n", '[env.staging.vars]\nSTAGING_ONLY = "1"\n');
		expect(envDrift("staging", read(extraVar), read(extraVar, "staging"))).toEqual([
			'vars: "STAGING_ONLY" is in [env.staging] but not at the top level',
		]);
		const slower = toml.replace(
			'{ name = "LOGINS_PER_IP", namespace_id = "1006", simple = { limit = 10, period = 60 } }',
			'{ name = "LOGINS_PER_IP", namespace_id = "1006", simple = { limit = 1000, period = 60 } }',
		);
		expect(envDrift("production", read(slower), read(slower, "production"))).toHaveLength(2);
	});
});

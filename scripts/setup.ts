// `npm run setup -- --env staging|production [--dry-run] [--yes]`: finds or creates everything the
// environment needs, records the D1 id in wrangler.toml, applies the D1 migrations, asks for missing
// secrets and deploys. Run twice, the second run creates nothing (README "Deploy to Cloudflare").
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { AccountUnavailable, readAccount } from "./setup/account.ts";
import { envDrift } from "./setup/drift.ts";
import { execute } from "./setup/execute.ts";
import { needsOf } from "./setup/needs.ts";
import { changes, formatPlan, planSetup } from "./setup/plan.ts";

const USAGE = `Usage: npm run setup -- --env <environment> [--dry-run] [--yes]

Finds or creates every resource the environment in wrangler.toml needs (D1 database, R2 buckets, queues),
records the database id in that environment of wrangler.toml, applies the D1 migrations, asks for the
secrets the Worker does not have yet, and deploys. Durable Objects, workflows, rate-limit namespaces,
the cron and send_email come with the deploy. Running it again creates nothing.

  --env <name>   an environment of wrangler.toml: staging or production
  --dry-run      print the plan and change nothing; works offline (then it assumes nothing exists yet)
  --yes          do not ask before changing anything (needed when not run from a terminal)
  -h, --help     this text

Secrets (ADMIN_TOKEN, SESSION_SECRET, FPID_SECRET) are typed without echo, or taken from environment
variables of the same name; Enter generates SESSION_SECRET and FPID_SECRET. Values are never printed.
Log in first with \`npx wrangler login\` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID).`;

const CONFIG = path.resolve(import.meta.dirname, "..", "wrangler.toml");

function fail(message: string): never {
	console.error(`✖ ${message}`);
	process.exit(1);
}

/** The environments wrangler.toml defines (`[env.<name>]` tables). */
function environments(toml: string): string[] {
	return [...new Set([...toml.matchAll(/^\[env\.([A-Za-z0-9_-]+)\]\s*$/gm)].map((m) => m[1] ?? ""))];
}

async function confirmed(): Promise<boolean> {
	const { createInterface } = await import("node:readline/promises");
	const rl = createInterface({ input: process.stdin, output: process.stdout });
	const answer = await rl.question("\nApply this plan? [y/N] ");
	rl.close();
	return /^y(es)?$/i.test(answer.trim());
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			env: { type: "string", short: "e" },
			"dry-run": { type: "boolean", default: false },
			yes: { type: "boolean", short: "y", default: false },
			help: { type: "boolean", short: "h", default: false },
		},
	});
	if (values.help) return void console.log(USAGE);
	const known = environments(readFileSync(CONFIG, "utf8"));
	if (!values.env) fail(`--env is required: one of ${known.join(", ")}\n\n${USAGE}`);
	// Wrangler falls back to the top level for an unknown --env; the set-up refuses instead.
	if (!known.includes(values.env)) fail(`wrangler.toml has no environment "${values.env}": ${known.join(", ")}`);
	const env = values.env;
	const dryRun = values["dry-run"];
	// Loaded here, not at the top: wrangler takes seconds to import, --help and a wrong --env need none.
	const { unstable_readConfig } = await import("wrangler");
	const config = unstable_readConfig({ config: CONFIG, env });
	const drift = envDrift(env, unstable_readConfig({ config: CONFIG }, { hideWarnings: true }), config);
	if (drift.length > 0) fail(`[env.${env}] no longer matches the top level of wrangler.toml:\n  ${drift.join("\n  ")}`);
	const needs = needsOf(env, config);

	console.log(`edgesync set-up: environment ${env}${dryRun ? " (dry run: nothing is changed)" : ""}\n`);
	let state: ReturnType<typeof readAccount> | null = null;
	try {
		console.log("Listing the account (wrangler d1 list, r2 bucket list, queues list, secret list)…");
		state = readAccount(env);
	} catch (err) {
		if (!(err instanceof AccountUnavailable)) throw err;
		if (!dryRun) fail(`could not list the account: ${err.message}\nLog in with \`npx wrangler login\` first.`);
		console.log(`Could not list the account: ${err.message}`);
		console.log(
			"The plan below assumes nothing exists yet (log in with `npx wrangler login` to plan against the account).\n",
		);
	}
	const plan = planSetup(needs, state);
	console.log(formatPlan(plan));
	if (dryRun) return void console.log("\nDry run: nothing was changed.");
	if (changes(plan).length === 0) console.log("\nEverything exists: only migrations (if any are new) and the deploy.");
	const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
	if (!values.yes && !(interactive && (await confirmed()))) fail("nothing was changed (confirm, or pass --yes).");
	await execute(plan, { configPath: CONFIG, interactive });
	console.log(`\n✔ ${env} is deployed. Next: README "Deploy to Cloudflare", "After the first deploy".`);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

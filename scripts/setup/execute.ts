// Runs a plan: each action is one wrangler command (output shown as wrangler prints it), the id record
// is an edit of wrangler.toml, the secrets go to the deploy in a temporary file only the user can read.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import path from "node:path";
import { AccountUnavailable, parseD1List, wranglerCaptured, wranglerEnv, wranglerError } from "./account.ts";
import { type Action, describe, type Plan, wranglerArgs } from "./plan.ts";
import { secretValues } from "./secret-values.ts";
import { setD1DatabaseId } from "./toml-edit.ts";

/** The two ways the executor uses wrangler (a parameter so the secrets file is tested without an account). */
export interface Wrangler {
	/** Runs a command with its output on the terminal; throws when it fails. */
	run(args: string[]): void;
	/** The account's D1 databases (`wrangler d1 list --json`). */
	d1List(env: string): { name: string; id: string }[];
}

export const npxWrangler: Wrangler = {
	run(args) {
		console.log(`$ npx wrangler ${args.join(" ")}`);
		const r = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env: wranglerEnv });
		if (r.status !== 0) throw new Error(`\`npx wrangler ${args.join(" ")}\` failed (exit ${r.status ?? r.signal})`);
	},
	d1List(env) {
		const r = wranglerCaptured(["d1", "list", "--json", "--env", env]);
		if (!r.ok) throw new AccountUnavailable(wranglerError(r));
		return parseD1List(r.stdout);
	},
};

/** Signals that end the set-up (Ctrl-C, a closed terminal, kill): the secrets file goes first. */
const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Deploys with `values` in a 0600 file in a private temporary directory, removed whatever happens. A
 * signal would end Node at once, `finally` unrun, leaving the secrets on disk: while the file exists a
 * listener takes the signal instead (wrangler, in the same process group, gets it too and stops), the
 * file is removed, and the set-up then ends as the signal would have ended it.
 */
export function deployWithSecrets(wrangler: Wrangler, args: string[], values: Record<string, string>): void {
	if (Object.keys(values).length === 0) {
		wrangler.run(args);
		return;
	}
	const dir = mkdtempSync(path.join(tmpdir(), "edgesync-setup-"));
	const remove = () => rmSync(dir, { recursive: true, force: true });
	const onSignal = (signal: NodeJS.Signals) => {
		remove();
		process.exit(128 + (constants.signals[signal] ?? 0));
	};
	for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
	process.on("exit", remove);
	try {
		const file = path.join(dir, "secrets.json");
		writeFileSync(file, JSON.stringify(values), { mode: 0o600 });
		wrangler.run(args.map((a) => (a === "<temporary file>" ? file : a)));
	} finally {
		remove();
		process.off("exit", remove);
		// A signal taken during the deploy is handled on the next turn of the event loop: keep listening until then.
		setImmediate(() => {
			for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
		});
	}
}

export interface ExecuteOptions {
	configPath: string;
	/** Whether secrets may be asked for on the terminal. */
	interactive: boolean;
	wrangler?: Wrangler;
}

export async function execute(plan: Plan, options: ExecuteOptions): Promise<void> {
	const { configPath, interactive, wrangler = npxWrangler } = options;
	const { env } = plan.needs;
	let secrets: Record<string, string> = {};
	for (const [i, action] of plan.actions.entries()) {
		console.log(`\n${i + 1}/${plan.actions.length} ${describe(action, env)}`);
		await run(action);
	}

	async function run(action: Action): Promise<void> {
		const args = wranglerArgs(action, env);
		switch (action.kind) {
			case "record-d1-id": {
				const id = action.id ?? wrangler.d1List(env).find((d) => d.name === action.name)?.id;
				if (!id) throw new Error(`D1 database ${action.name} was created but \`wrangler d1 list\` does not show it`);
				writeFileSync(configPath, setD1DatabaseId(readFileSync(configPath, "utf8"), env, action.binding, id));
				console.log(`wrangler.toml: [env.${env}] ${action.binding} database_id = "${id}"`);
				return;
			}
			case "ask-secrets":
				secrets = await secretValues(action.names, interactive);
				return;
			case "deploy":
				if (args) deployWithSecrets(wrangler, args, secrets);
				return;
			default:
				if (args) wrangler.run(args);
		}
	}
}

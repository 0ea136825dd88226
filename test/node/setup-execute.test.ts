// The set-up's executor (scripts/setup/execute.ts) on a copy of wrangler.toml, with wrangler's commands
// recorded instead of run (they need an account): the order, the id written into the environment, and
// the secrets handed to the deploy in a private file that is gone afterwards and never printed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { unstable_readConfig } from "wrangler";
import { execute, type Wrangler } from "../../scripts/setup/execute.ts";
import { needsOf } from "../../scripts/setup/needs.ts";
import { planSetup } from "../../scripts/setup/plan.ts";
import { generateSecret, secretValues } from "../../scripts/setup/secret-values.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "edgesync-execute-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = { ADMIN_TOKEN: generateSecret(), SESSION_SECRET: generateSecret(), FPID_SECRET: generateSecret() };
afterEach(() => {
	vi.unstubAllEnvs();
	vi.restoreAllMocks();
});

const NEW_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

/** Records each command; `d1 create` makes the database appear in `d1List`; the deploy's file is read. */
function recorder(failOn?: string) {
	const commands: string[] = [];
	const databases: { name: string; id: string }[] = [];
	let secretsFile: { path: string; mode: number; content: string } | null = null;
	const wrangler: Wrangler = {
		run(args) {
			commands.push(args.join(" "));
			if (failOn && args.join(" ").includes(failOn)) throw new Error(`\`npx wrangler ${args.join(" ")}\` failed`);
			if (args[0] === "d1" && args[1] === "create") databases.push({ name: args[2] ?? "", id: NEW_ID });
			const file = args[args.indexOf("--secrets-file") + 1];
			if (args[0] === "deploy" && file) {
				secretsFile = { path: file, mode: statSync(file).mode & 0o777, content: readFileSync(file, "utf8") };
			}
		},
		d1List: () => databases,
	};
	return { wrangler, commands, secretsFile: () => secretsFile };
}

function copyOfConfig(): string {
	const file = path.join(dir, `wrangler-${Math.random().toString(36).slice(2)}.toml`);
	writeFileSync(file, readFileSync(path.join(root, "wrangler.toml")));
	return file;
}

const planFor = (configPath: string) =>
	planSetup(
		needsOf("staging", unstable_readConfig({ config: configPath, env: "staging" }, { hideWarnings: true })),
		null,
	);

describe("execute", () => {
	it("runs the plan in order, records the new id in the environment, deploys with the secrets in a private file", async () => {
		for (const [name, value] of Object.entries(SECRETS)) vi.stubEnv(name, value);
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const configPath = copyOfConfig();
		const { wrangler, commands, secretsFile } = recorder();
		await execute(planFor(configPath), { configPath, interactive: false, wrangler });

		expect(commands[0]).toBe("d1 create edgesync-staging --env staging");
		expect(commands.slice(-2)).toEqual([
			"d1 migrations apply DB --remote --env staging",
			`deploy --env staging --secrets-file ${secretsFile()?.path}`,
		]);
		const recorded = unstable_readConfig({ config: configPath, env: "staging" }, { hideWarnings: true });
		expect(recorded.d1_databases[0]?.database_id).toBe(NEW_ID);
		expect(planSetup(needsOf("staging", recorded), null).needs.d1[0]?.id).toBe(NEW_ID);

		expect(secretsFile()?.mode).toBe(0o600);
		expect(JSON.parse(secretsFile()?.content ?? "")).toEqual(SECRETS);
		expect(existsSync(secretsFile()?.path ?? "")).toBe(false);
		const printed = log.mock.calls.flat().join("\n");
		for (const value of Object.values(SECRETS)) expect(printed).not.toContain(value);
	});

	it("stops at the first command that fails: nothing after it runs, the secrets are not asked for", async () => {
		vi.spyOn(console, "log").mockImplementation(() => {});
		const configPath = copyOfConfig();
		const { wrangler, commands } = recorder("queues create edgesync-staging-pairs-1");
		await expect(execute(planFor(configPath), { configPath, interactive: false, wrangler })).rejects.toThrow(
			"queues create edgesync-staging-pairs-1",
		);
		expect(commands.at(-1)).toBe("queues create edgesync-staging-pairs-1 --env staging");
		expect(commands.some((c) => c.startsWith("deploy") || c.includes("migrations"))).toBe(false);
	});
});

describe("secretValues", () => {
	it("takes a strong value from the environment variable, refuses a weak one, and cannot ask without a terminal", async () => {
		vi.spyOn(console, "log").mockImplementation(() => {});
		vi.stubEnv("SESSION_SECRET", SECRETS.SESSION_SECRET);
		expect(await secretValues(["SESSION_SECRET"], false)).toEqual({ SESSION_SECRET: SECRETS.SESSION_SECRET });
		vi.stubEnv("ADMIN_TOKEN", "ab".repeat(20));
		await expect(secretValues(["ADMIN_TOKEN"], false)).rejects.toThrow(
			"the environment variable ADMIN_TOKEN does not look random",
		);
		vi.stubEnv("FPID_SECRET", undefined);
		await expect(secretValues(["FPID_SECRET"], false)).rejects.toThrow("set the environment variable FPID_SECRET");
	});
});

describe("the secrets file and signals", () => {
	it("is removed when the set-up is interrupted during the deploy (Ctrl-C), which then ends as interrupted", () => {
		// A child Node process deploys with a wrangler that is interrupted while it runs, as Ctrl-C does.
		const script = `
			import { deployWithSecrets } from ${JSON.stringify(path.join(root, "scripts/setup/execute.ts"))};
			deployWithSecrets({ run(args) {
				console.log(args[args.indexOf("--secrets-file") + 1]);
				process.kill(process.pid, "SIGINT");
			}, d1List: () => [] }, ["deploy", "--secrets-file", "<temporary file>"], { ADMIN_TOKEN: "x".repeat(40) });
			setTimeout(() => console.log("not interrupted"), 2000);`;
		const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
		const file = child.stdout.trim().split("\n")[0] ?? "";
		expect(file).toMatch(/secrets\.json$/);
		expect(existsSync(path.dirname(file))).toBe(false);
		expect(child.stdout).not.toContain("not interrupted");
		expect(child.status).toBe(130);
	});
});

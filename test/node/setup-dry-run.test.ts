// `npm run setup` as an operator runs it, offline and logged out (no CLOUDFLARE_API_TOKEN, an empty
// wrangler config directory): the dry run prints the whole plan and changes nothing; a real run refuses.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const home = mkdtempSync(path.join(tmpdir(), "edgesync-setup-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function setup(...args: string[]) {
	return setupIn(root, ...args);
}

function setupIn(cwd: string, ...args: string[]) {
	const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: home, WRANGLER_SEND_METRICS: "false" };
	delete env.CLOUDFLARE_API_TOKEN;
	delete env.CLOUDFLARE_ACCOUNT_ID;
	for (const secret of ["ADMIN_TOKEN", "SESSION_SECRET", "FPID_SECRET"]) delete env[secret];
	const r = spawnSync(process.execPath, ["scripts/setup.ts", ...args], { cwd, encoding: "utf8", env });
	return { status: r.status, out: r.stdout + r.stderr };
}

const configHash = () =>
	createHash("sha256")
		.update(readFileSync(path.join(root, "wrangler.toml")))
		.digest("hex");

// Each run starts wrangler (a few seconds on a busy machine); nothing waits on a clock.
describe("npm run setup (offline, logged out)", { timeout: 60_000 }, () => {
	it("--dry-run says it cannot list the account and prints the full plan for production, exit 0", () => {
		const before = configHash();
		const { status, out } = setup("--env", "production", "--dry-run");
		expect(status).toBe(0);
		expect(out).toContain(
			"Could not list the account: `wrangler d1 list --json --env production`: not logged in (no `npx wrangler login`, no CLOUDFLARE_API_TOKEN).",
		);
		expect(out).toContain("The plan below assumes nothing exists yet");
		for (const step of [
			"1. create D1 database edgesync\n      npx wrangler d1 create edgesync --env production",
			"2. record its id as [env.production] d1_databases DB in wrangler.toml",
			"npx wrangler r2 bucket create edgesync-archive --env production",
			"npx wrangler r2 bucket create edgesync-exchange --env production",
			"npx wrangler queues create edgesync-pairs-dlq --env production",
			"npx wrangler d1 migrations apply DB --remote --env production",
			"ask for the missing secrets ADMIN_TOKEN, SESSION_SECRET, FPID_SECRET",
			"npx wrangler deploy --env production --secrets-file <temporary file>",
			"Durable Object classes VisitorShard, PartnerIdShard (migrations v1-graph-shards)",
			"Dry run: nothing was changed.",
		]) {
			expect(out).toContain(step);
		}
		expect(out).not.toContain("staging");
		expect(configHash()).toBe(before);
	});

	it("without --dry-run, stops before changing anything when it cannot list the account", () => {
		const before = configHash();
		const { status, out } = setup("--env", "staging", "--yes");
		expect(status).toBe(1);
		expect(out).toContain("✖ could not list the account");
		expect(out).not.toContain("Plan for environment");
		expect(configHash()).toBe(before);
	});

	it("refuses an environment wrangler.toml does not define (wrangler would fall back to the top level)", () => {
		const { status, out } = setup("--env", "prod", "--dry-run");
		expect(status).toBe(1);
		expect(out).toContain('wrangler.toml has no environment "prod": staging, production');
	});

	it("--help explains the command", () => {
		const { status, out } = setup("--help");
		expect(status).toBe(0);
		expect(out).toContain("Usage: npm run setup -- --env <environment> [--dry-run] [--yes]");
	});

	it("refuses to plan for an environment that no longer matches the top level", () => {
		// A copy of what the set-up reads, with a queue added at the top level and forgotten in production.
		const copy = path.join(home, "drifted");
		mkdirSync(path.join(copy, "core/config"), { recursive: true });
		cpSync(path.join(root, "scripts"), path.join(copy, "scripts"), { recursive: true });
		cpSync(path.join(root, "core/config/secret-strength.ts"), path.join(copy, "core/config/secret-strength.ts"));
		cpSync(path.join(root, "package.json"), path.join(copy, "package.json"));
		symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
		const drifted = readFileSync(path.join(root, "wrangler.toml"), "utf8").replace(
			"# Pair archive:",
			'[[queues.producers]]\nbinding = "PAIRS_QUEUE_4"\nqueue = "edgesync-pairs-4"\n\n# Pair archive:',
		);
		writeFileSync(path.join(copy, "wrangler.toml"), drifted);
		const { status, out } = setupIn(copy, "--env", "production", "--dry-run");
		expect(status).toBe(1);
		expect(out).toContain("✖ [env.production] no longer matches the top level of wrangler.toml:");
		expect(out).toContain('queues.producers: "PAIRS_QUEUE_4" is at the top level but not in [env.production]');
		expect(out).not.toContain("Plan for environment");
	});
});

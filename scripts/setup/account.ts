// What the account already holds, asked of wrangler's own list commands (JSON where wrangler offers it,
// its printed listing where it does not: `r2 bucket list` and `queues list` have no --json).
import { spawnSync } from "node:child_process";
import { z } from "zod";
import type { AccountState } from "./plan.ts";

export const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

export interface WranglerResult {
	ok: boolean;
	stdout: string;
	stderr: string;
}

/** Runs `npx wrangler <args>` with its output captured (so wrangler never prompts or opens a browser). */
export function wranglerCaptured(args: string[]): WranglerResult {
	const r = spawnSync("npx", ["wrangler", ...args], { encoding: "utf8", env: wranglerEnv, stdio: "pipe" });
	return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Thrown when the account cannot be listed (no network, not logged in): says why in one line. */
export class AccountUnavailable extends Error {}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what is stripped
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** The first error line wrangler printed, without its decoration. */
export function wranglerError(result: WranglerResult): string {
	const text = plain(`${result.stderr}\n${result.stdout}`);
	const line = text.split("\n").find((l) => l.includes("[ERROR]")) ?? text.split("\n").find((l) => l.trim() !== "");
	const message = (line ?? "wrangler failed without saying why").replace(/^.*\[ERROR\]\s*/, "").trim();
	// What wrangler says to a command run without a terminal, when the user has simply not logged in.
	if (message.includes("necessary to set a CLOUDFLARE_API_TOKEN")) {
		return "not logged in (no `npx wrangler login`, no CLOUDFLARE_API_TOKEN).";
	}
	// Its first sentence: the rest is usually a link to the docs.
	return /^.*?[.](?=\s|$)/.exec(message)?.[0] ?? message;
}

/** The JSON array a `--json` listing printed (anything wrangler printed around it left out). */
function jsonArray(stdout: string): unknown {
	const start = stdout.indexOf("[");
	const end = stdout.lastIndexOf("]");
	if (start < 0 || end < start) throw new Error(`wrangler printed no JSON list:\n${stdout.slice(0, 500)}`);
	return JSON.parse(stdout.slice(start, end + 1));
}

const D1List = z.array(z.object({ name: z.string(), uuid: z.string() }));

export function parseD1List(stdout: string): AccountState["d1"] {
	return D1List.parse(jsonArray(stdout)).map((d) => ({ name: d.name, id: d.uuid }));
}

/** `wrangler r2 bucket list` prints one `name: …` / `creation_date: …` block per bucket. */
export function parseBucketList(stdout: string): string[] {
	return [...plain(stdout).matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1] ?? "");
}

/** `wrangler queues list` prints a table with columns id, name, …; returns the names. */
export function parseQueueTable(stdout: string): string[] {
	const names: string[] = [];
	for (const line of plain(stdout).split("\n")) {
		const cells = line.split("│").map((c) => c.trim());
		// A data row: │ <32 hex id> │ <name> │ …
		if (cells.length > 3 && /^[0-9a-f]{32}$/.test(cells[1] ?? "")) names.push(cells[2] ?? "");
	}
	return names;
}

const SecretList = z.array(z.object({ name: z.string() }));

function listed(args: string[]): string {
	const r = wranglerCaptured(args);
	if (!r.ok) throw new AccountUnavailable(`\`wrangler ${args.join(" ")}\`: ${wranglerError(r)}`);
	return r.stdout;
}

/** Every queue page until an empty one (the API pages its list). */
function listQueues(env: string): string[] {
	const names: string[] = [];
	for (let page = 1; page <= 50; page++) {
		const onPage = parseQueueTable(listed(["queues", "list", "--page", String(page), "--env", env]));
		if (onPage.length === 0) break;
		names.push(...onPage);
	}
	return names;
}

/** wrangler's `Worker "<name>" (env: <env>) not found.`: the first deploy creates the Worker. */
export function workerMissing(output: string): boolean {
	return /Worker ".+?"( \(env: [^)]+\))? not found/.test(plain(output));
}

/** The Worker's secrets; none when the Worker does not exist yet (its first deploy uploads them). */
function listSecrets(env: string): string[] {
	const args = ["secret", "list", "--format", "json", "--env", env];
	const r = wranglerCaptured(args);
	if (r.ok) return SecretList.parse(jsonArray(r.stdout)).map((s) => s.name);
	if (workerMissing(r.stderr + r.stdout)) return [];
	throw new AccountUnavailable(`\`wrangler ${args.join(" ")}\`: ${wranglerError(r)}`);
}

export function readAccount(env: string): AccountState {
	const d1 = parseD1List(listed(["d1", "list", "--json", "--env", env]));
	return {
		d1,
		buckets: parseBucketList(listed(["r2", "bucket", "list", "--env", env])),
		queues: listQueues(env),
		secrets: listSecrets(env),
	};
}

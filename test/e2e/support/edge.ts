import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { freePort } from "./ports.js";
import { eventually, GiveUp } from "./wait.js";

const ROOT = path.join(import.meta.dirname, "..", "..", "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const SEED = path.join(ROOT, "scripts", "seed-demo.sql");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", CI: "true" };
/** The edge's secrets in these tests (the edge refuses to run with weak ones). */
export const E2E_SECRETS = {
	ADMIN_TOKEN: "e2e-admin-token-5Tg8Yh2Uj6Ik9Ol3Pz7Xc1Vb4Nm",
	SESSION_SECRET: "e2e-session-secret-8Wn3Qb6Zt1Lp5Kr9Hv2Jd7Fx4Cy",
	FPID_SECRET: "e2e-fpid-secret-2Mk6Sd9Gh3Aq7Zw1Xe5Rt8Yu4Io",
};
/** Every edge started and not yet stopped, so a test file can clean up even after a timed-out start. */
const live = new Set<() => Promise<void>>();
const run = promisify(execFile);

/** One `wrangler dev` with its own local D1/R2/Queues state in a temporary directory. */
export interface Edge {
	origin: string;
	/** The local state directory (D1, R2, Queues) of this edge. */
	persist: string;
	/** Rows of a read query against the edge's local D1. */
	query<Row>(sql: string): Promise<Row[]>;
	stop(): Promise<void>;
}

/** Runs the wrangler CLI (the project's own copy, on the Node running the tests) and returns stdout. */
async function wrangler(args: string[]): Promise<string> {
	try {
		const { stdout } = await run(process.execPath, [WRANGLER, ...args], {
			cwd: ROOT,
			env,
			maxBuffer: 16 << 20,
			timeout: 60_000,
		});
		return stdout;
	} catch (err) {
		const { stdout, stderr } = err as { stdout?: string; stderr?: string };
		throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${stderr || stdout || String(err)}`);
	}
}

/**
 * Applies the migrations, seeds the demo partner and starts `wrangler dev` on 127.0.0.1 with
 * E2E_SECRETS and `vars` (they win over wrangler.toml and .dev.vars). Resolves once /health answers.
 */
export async function startEdge(vars: Record<string, string>): Promise<Edge> {
	if (!existsSync(path.join(ROOT, "dist", "tag.js"))) throw new Error("dist/tag.js is missing: run `npm run build`");
	const persist = await mkdtemp(path.join(tmpdir(), "edgesync-e2e-"));
	const local = ["DB", "--local", "--persist-to", persist];
	try {
		await wrangler(["d1", "migrations", "apply", ...local]);
		await wrangler(["d1", "execute", ...local, "--file", SEED]);
	} catch (err) {
		await rm(persist, { recursive: true, force: true });
		throw err;
	}

	const [port, inspectorPort] = [await freePort(), await freePort()];
	const args = [
		WRANGLER,
		"dev",
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		"--inspector-port",
		String(inspectorPort),
	];
	args.push("--persist-to", persist, "--show-interactive-dev-session=false", "--log-level", "warn");
	for (const [name, value] of Object.entries({ ...E2E_SECRETS, ...vars })) args.push("--var", `${name}:${value}`);
	// Its own process group, so stop() ends wrangler and the workerd it started, and nothing else.
	const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
	let output = "";
	child.stdout?.on("data", (chunk) => {
		output += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		output += chunk;
	});
	// If the test process exits first, wrangler must not outlive it.
	const orphanGuard = () => signalGroup(child, "SIGKILL");
	process.once("exit", orphanGuard);
	const origin = `http://127.0.0.1:${port}`;
	const stop = async () => {
		live.delete(stop);
		process.off("exit", orphanGuard);
		await stopGroup(child);
		await rm(persist, { recursive: true, force: true });
	};
	live.add(stop);

	try {
		await eventually("wrangler dev to answer /health", 60_000, async () => {
			// Some startup errors leave wrangler running without serving anything: fail at once, not at the deadline.
			const failed = child.exitCode !== null || stripVTControlCharacters(output).includes("[ERROR]");
			if (failed) throw new GiveUp("wrangler dev failed to start");
			// Wrangler's proxy accepts connections before the Worker is up and holds them: bound each try.
			const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
			return res?.ok ? true : undefined;
		});
	} catch (err) {
		await stop();
		throw new Error(`${(err as Error).message}\n--- wrangler dev output ---\n${stripVTControlCharacters(output)}`);
	}

	return {
		origin,
		persist,
		stop,
		async query<Row>(sql: string) {
			const out = JSON.parse(await wrangler(["d1", "execute", ...local, "--json", "--command", sql]));
			return (out[0]?.results ?? []) as Row[];
		},
	};
}

/** Stops every edge this process started, including one whose start has not finished (afterAll). */
export async function stopEdges(): Promise<void> {
	await Promise.all([...live].map((stop) => stop()));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

async function stopGroup(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.pid === undefined) return;
	const exited = new Promise((resolve) => child.once("exit", resolve));
	signalGroup(child, "SIGTERM");
	const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5000);
	await exited;
	clearTimeout(timer);
}

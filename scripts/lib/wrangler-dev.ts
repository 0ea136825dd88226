// The one `wrangler dev` harness of the e2e tests (test/e2e) and the benchmarks (bench/): local state
// in a directory (migrations applied, seeded), the Worker started in its own process group on free
// loopback ports with strong secrets, a wait for its probe path, D1 queries, its memory, and a stop
// that ends wrangler and the workerd it started.
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { freePort, pidsIn, procStatusKb, runToEnd, type StatusField, startGroup } from "./process-group.ts";
import { eventually, GiveUp } from "./wait.ts";

const ROOT = path.join(import.meta.dirname, "..", "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
/** `npm start`'s demo partner and vendor (DPID 1000), the e2e tests' seed. */
export const DEMO_SEED = path.join(ROOT, "scripts", "seed-demo.sql");
/**
 * X_LOCAL_OBSERVABILITY=false: wrangler dev otherwise records every span of every invocation for its
 * local trace explorer (28,000 spans for one 5,000,000-pair ID-sync delivery); without it the same
 * delivery took 614 s instead of 937 s (bench/RESULTS.md §10).
 */
const env = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	X_LOCAL_OBSERVABILITY: "false",
	NO_COLOR: "1",
	FORCE_COLOR: "0",
	CI: "true",
};

/** The edge's secrets under the harness (it refuses to run with weak ones). */
export const DEV_SECRETS = {
	ADMIN_TOKEN: "dev-harness-admin-token-5Tg8Yh2Uj6Ik9Ol3Pz7Xc1Vb4Nm",
	SESSION_SECRET: "dev-harness-session-secret-8Wn3Qb6Zt1Lp5Kr9Hv2Jd7Fx4Cy",
	FPID_SECRET: "dev-harness-fpid-secret-2Mk6Sd9Gh3Aq7Zw1Xe5Rt8Yu4Io",
};

/**
 * What a fresh state's D1 is loaded with: a file through `wrangler d1 execute` (as `npm start` does), or
 * SQL written straight into the SQLite file by the `sqlite3` CLI (millions of rows in seconds).
 */
export type Seed = { file: string } | { sqlite3: string };

/** The project's wrangler CLI on this Node, from the repository root; returns stdout. */
export function wrangler(args: string[], input?: string): Promise<string> {
	const label = `wrangler ${args.slice(0, 3).join(" ")}`;
	return runToEnd(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env, input, label, timeoutMs: 120_000 });
}

/**
 * `wrangler` on the local state of a running edge (`--local --persist-to <its state>`). That starts a
 * second workerd on the same SQLite files, and its open fails with SQLITE_BUSY ("database is locked")
 * when it meets the edge's own commit: CI at 7dffe3b lost the vendor CLI suite to one such read. Tried
 * again then, for up to 30 s; any other failure ends it.
 */
export function wranglerBesideEdge(args: string[]): Promise<string> {
	return eventually(`wrangler ${args.slice(0, 3).join(" ")} beside the edge`, 30_000, async () => {
		try {
			return await wrangler(args);
		} catch (err) {
			if (/SQLITE_BUSY|database is locked/.test(String(err))) throw err;
			throw new GiveUp(String(err));
		}
	});
}

/** Applies the migrations of `config` to the local state in `persist`, then loads `seed`. */
export async function prepareState(persist: string, seed?: Seed, config = "wrangler.toml"): Promise<void> {
	const local = ["DB", "--local", "--persist-to", persist, "-c", config];
	await wrangler(["d1", "migrations", "apply", ...local]);
	if (seed && "file" in seed) await wrangler(["d1", "execute", ...local, "--file", seed.file]);
	if (seed && "sqlite3" in seed) {
		const d1 = path.join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
		const file = readdirSync(d1).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
		if (!file) throw new Error(`no local D1 database in ${d1}`);
		await runToEnd("sqlite3", [path.join(d1, file)], { cwd: ROOT, env, input: seed.sqlite3 });
	}
}

export interface EdgeOptions {
	/** Vars and secrets; they win over DEV_SECRETS, `DEMO=false`, wrangler.toml and .dev.vars. */
	vars?: Record<string, string>;
	/** Another Worker's config, from the repository root (bench/workers/*.toml); default wrangler.toml. */
	config?: string;
	/**
	 * A state directory the caller prepared (prepareState) and removes. Without it the edge runs on a new
	 * temporary directory, prepared with `seed` (unless `migrate` is false) and removed by stop().
	 */
	persist?: string;
	seed?: Seed;
	/** False for a Worker without D1 (bench/workers/bare.toml). */
	migrate?: boolean;
	/** The path that answers 2xx once the Worker is up; default /health. */
	probe?: string;
}

/** One `wrangler dev` on 127.0.0.1 with its own local D1/R2/Queues/Workflows state. */
export interface Edge {
	origin: string;
	/** The local state directory of this edge. */
	persist: string;
	/** The DevTools inspector port (bench/lib/heap.ts samples the Worker's V8 heap through it). */
	inspectorPort: number;
	/** Rows of a query against the edge's local D1 (`wrangler d1 execute --json`; several statements allowed). */
	query<Row>(sql: string): Promise<Row[]>;
	/** A /proc status field (kB) of the workerd serving this edge. */
	workerdKb(field: StatusField): number;
	/** The workerd processes serving this edge: wrangler's proxy and the one running the Worker. */
	workerdPids(): number[];
	stop(): Promise<void>;
}

/** Every edge started and not yet stopped, so a caller can clean up even after a timed-out start. */
const live = new Set<() => Promise<void>>();

/** Stops every edge this process started, including one whose start has not finished. */
export async function stopEdges(): Promise<void> {
	await Promise.all([...live].map((stop) => stop()));
}

/** Starts `wrangler dev` (with `--test-scheduled`); resolves once the probe path answers 2xx. */
export async function startEdge(options: EdgeOptions = {}): Promise<Edge> {
	const { config = "wrangler.toml", probe = "/health" } = options;
	if (!existsSync(path.join(ROOT, "dist", "tag.js"))) throw new Error("dist/tag.js is missing: run `npm run build`");
	const persist = options.persist ?? (await mkdtemp(path.join(tmpdir(), "edgesync-dev-")));
	const removeState = () => (options.persist ? Promise.resolve() : rm(persist, { recursive: true, force: true }));
	if (!options.persist && options.migrate !== false) {
		await prepareState(persist, options.seed, config).catch(async (err) => {
			await removeState();
			throw err;
		});
	}

	// freePort() names a port that is free now; another process (an edge another test file starts at the
	// same moment) may take it before wrangler binds it. wrangler then says so: try again on new ports.
	for (let attempt = 1; ; attempt++) {
		const started = await launchEdge(config, persist, probe, options.vars, removeState);
		if ("edge" in started) return started.edge;
		if (attempt < 3 && started.output.includes("Address already in use")) continue;
		await removeState();
		throw new Error(`${started.message}\n--- wrangler dev output ---\n${started.output}`);
	}
}

/** One try at starting `wrangler dev` on fresh ports: the edge, or why it did not start (stopped again). */
async function launchEdge(
	config: string,
	persist: string,
	probe: string,
	extraVars: Record<string, string> | undefined,
	removeState: () => Promise<void>,
): Promise<{ edge: Edge } | { message: string; output: string }> {
	const [port, inspectorPort] = [await freePort(), await freePort()];
	const args = ["dev", "-c", config, "--ip", "127.0.0.1", "--port", String(port)];
	args.push("--inspector-port", String(inspectorPort), "--persist-to", persist, "--test-scheduled");
	args.push("--show-interactive-dev-session=false", "--log-level", "warn");
	const vars = { ...DEV_SECRETS, DEMO: "false", ...extraVars };
	for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
	const dev = startGroup(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env });
	const origin = `http://127.0.0.1:${port}`;
	const stop = async () => {
		live.delete(stop);
		await dev.stop();
		await removeState();
	};
	live.add(stop);

	try {
		await eventually(`wrangler dev to answer ${probe}`, 90_000, async () => {
			// Some startup errors leave wrangler running without serving anything: fail at once, not at the deadline.
			const failed = dev.exited() || stripVTControlCharacters(dev.output()).includes("[ERROR]");
			if (failed) throw new GiveUp("wrangler dev failed to start");
			// Wrangler's proxy accepts connections before the Worker is up and holds them: bound each try.
			const res = await fetch(`${origin}${probe}`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
			return res?.ok ? true : undefined;
		});
	} catch (err) {
		live.delete(stop);
		await dev.stop();
		return { message: (err as Error).message, output: stripVTControlCharacters(dev.output()) };
	}

	const local = ["DB", "--local", "--persist-to", persist, "-c", config];
	const edge: Edge = {
		origin,
		persist,
		inspectorPort,
		stop,
		async query<Row>(sql: string) {
			const out = JSON.parse(await wranglerBesideEdge(["d1", "execute", ...local, "--json", "--command", sql]));
			return (out[0]?.results ?? []) as Row[];
		},
		workerdKb(field) {
			if (dev.pid === undefined) throw new Error("wrangler dev has no process id");
			return procStatusKb("workerd", field, dev.pid);
		},
		workerdPids() {
			if (dev.pid === undefined) throw new Error("wrangler dev has no process id");
			return pidsIn("workerd", dev.pid);
		},
	};
	return { edge };
}

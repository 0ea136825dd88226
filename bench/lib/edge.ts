// The edge under `wrangler dev` for benchmarks: local state in a directory, migrations applied, seeded
// with sqlite3 straight into the local D1 file, then the Worker started on a free port.
import { readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { procStatusKb, run, type StatusField, start } from "./proc.ts";

export const ADMIN_TOKEN = "bench-admin-token-3Rf7Tg1Yh5Uj9Ik2Ol6Pz8Xc4Vb";
/** The edge refuses to run without strong secrets. */
const SECRETS = {
	ADMIN_TOKEN,
	SESSION_SECRET: "bench-session-secret-6Yh1Uj4Ik8Ol2Pz5Xc9Vb3Nm7Qw",
	FPID_SECRET: "bench-fpid-secret-9Ik3Ol7Pz1Xc5Vb8Nm2Qw6Er4Ty",
};

/** The process group and inspector port of each started edge, by base URL (for its memory). */
const groups = new Map<string, number>();
const inspectors = new Map<string, number>();

/** The DevTools inspector port of the `wrangler dev` serving `base` (see lib/heap.ts). */
export function inspectorPortOf(base: string): number {
	const port = inspectors.get(base);
	if (port === undefined) throw new Error(`no inspector for ${base}`);
	return port;
}

/** A /proc status field (kB) of the workerd serving `base`. */
export function workerdKb(base: string, field: StatusField): number {
	return procStatusKb("workerd", field, groups.get(base));
}

/** Applies the migrations to a fresh local state directory and runs `seed` SQL against its D1 file. */
export function prepareState(persist: string, seed: string, config = "wrangler.toml"): void {
	run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "-c", config]);
	const d1 = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = readdirSync(d1).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
	if (!file) throw new Error("no local D1 database found");
	run("sqlite3", [join(d1, file)], { input: seed });
}

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
		});
	});
}

/** Polls `probe` until it returns a value (errors count as "not yet") or `ms` pass. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		const value = await probe().catch(() => undefined);
		if (value !== undefined) return value;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts `wrangler dev` (the edge, or another config) on the state directory; resolves with its base
 * URL once `probe` (a path) answers 2xx.
 */
export async function startEdge(
	persist: string,
	vars: Record<string, string> = {},
	options: { config?: string; probe?: string } = {},
): Promise<string> {
	const port = await freePort();
	const inspectorPort = await freePort();
	const varArgs = Object.entries({ ...SECRETS, DEMO: "false", ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
	const dev = start("npx", [
		"wrangler",
		"dev",
		"--port",
		String(port),
		"--inspector-port",
		String(inspectorPort),
		"--ip",
		"127.0.0.1",
		"--persist-to",
		persist,
		"--test-scheduled",
		"-c",
		options.config ?? "wrangler.toml",
		...varArgs,
	]);
	let log = "";
	dev.stdout?.on("data", (d) => (log += d));
	dev.stderr?.on("data", (d) => (log += d));
	const base = `http://127.0.0.1:${port}`;
	if (dev.pid !== undefined) groups.set(base, dev.pid);
	inspectors.set(base, inspectorPort);
	const probe = `${base}${options.probe ?? "/health"}`;
	await waitFor("wrangler dev", 120_000, async () => ((await fetch(probe)).ok ? true : undefined)).catch((err) => {
		throw new Error(`${err}\n${log.slice(-2000)}`);
	});
	return base;
}

/** An admin API call with the bench token; throws on anything but 2xx. */
export async function admin<T>(base: string, path: string, init: RequestInit = {}): Promise<T> {
	const res = await fetch(`${base}/api/v1${path}`, {
		...init,
		headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
	});
	if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

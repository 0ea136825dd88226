// Child processes for benchmarks: run to completion, or start a server and stop it on exit.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";

export const benchEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

export function run(command: string, args: string[], opts: { input?: string; cwd?: string } = {}): string {
	const result = spawnSync(command, args, { env: benchEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

const children = new Set<ChildProcess>();
export function start(command: string, args: string[]): ChildProcess {
	const child = spawn(command, args, { env: benchEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
	children.add(child);
	child.on("exit", () => children.delete(child));
	return child;
}

export function stopAll(): void {
	for (const child of children) {
		try {
			if (child.pid) process.kill(-child.pid, "SIGTERM");
		} catch {
			// already gone
		}
	}
}
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

export type StatusField = "VmHWM" | "VmRSS" | "RssAnon" | "RssFile";

/**
 * One /proc status field (kB) of the processes named `name` — within process group `group` when given
 * (the `wrangler dev` a bench started, not another one on the machine) — the largest of them.
 * VmHWM is the peak, VmRSS now; RssAnon is heap and stacks, RssFile mapped files.
 */
export function procStatusKb(name: string, field: StatusField, group?: number): number {
	const pids = group === undefined ? `pgrep -x ${name}` : `pgrep -g ${group} -x ${name}`;
	const out = spawnSync("sh", ["-c", `for p in $(${pids}); do grep ${field} /proc/$p/status; done`], {
		encoding: "utf8",
	}).stdout;
	return Math.max(0, ...out.split("\n").map((l) => Number(l.replace(/\D+/g, "")) || 0));
}

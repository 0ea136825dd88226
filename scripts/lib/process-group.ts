// Child processes for the `wrangler dev` harness: a command run to completion, a server in its own
// process group (so stopping it ends everything it started, and nothing else), free ports, and the
// memory of the processes in a group as /proc reports it.
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

export interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Written to the command's standard input (which is closed either way). */
	input?: string;
	timeoutMs?: number;
	/** How an error names the command (default: the command and its first arguments). */
	label?: string;
}

/** Runs `command` to completion and returns its stdout; rejects with its output when it fails. */
export function runToEnd(command: string, args: string[], options: RunOptions): Promise<string> {
	const { cwd, env, input, timeoutMs = 0, label = [command, ...args.slice(0, 3)].join(" ") } = options;
	return new Promise((resolve, reject) => {
		const child = execFile(
			command,
			args,
			{ cwd, env, maxBuffer: 64 << 20, timeout: timeoutMs },
			(err, stdout, stderr) => {
				if (!err) return resolve(stdout);
				reject(new Error(`${label} failed:\n${stderr || stdout || String(err)}`));
			},
		);
		child.stdin?.end(input);
	});
}

/** A long-running child in its own process group, with the tail of its output. */
export interface Group {
	readonly pid: number | undefined;
	/** True once the child has exited. */
	exited(): boolean;
	/** The last 64 kB of its stdout and stderr, interleaved. */
	output(): string;
	/** SIGTERM to the group, SIGKILL after 5 s; resolves once the child has exited. */
	stop(): Promise<void>;
}

const OUTPUT_KEPT = 64 * 1024;

export function startGroup(command: string, args: string[], options: Pick<RunOptions, "cwd" | "env">): Group {
	exitOnSignals();
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEPT);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);
	// If this process exits first (a failed test, Ctrl-C in a benchmark), the group must not outlive it.
	const orphanGuard = () => signalGroup(child, "SIGKILL");
	process.once("exit", orphanGuard);
	return {
		pid: child.pid,
		exited: () => child.exitCode !== null || child.signalCode !== null,
		output: () => output,
		async stop() {
			process.off("exit", orphanGuard);
			if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
			const exited = new Promise((resolve) => child.once("exit", resolve));
			signalGroup(child, "SIGTERM");
			const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/**
 * Ctrl-C (or a kill) would end this process without running its exit handlers, leaving the groups behind:
 * where nothing else handles the signal, it ends the process through process.exit instead.
 */
function exitOnSignals(): void {
	for (const [signal, code] of [
		["SIGINT", 130],
		["SIGTERM", 143],
		["SIGHUP", 129],
	] as const) {
		if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
	}
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
			);
		});
	});
}

/** Process ids of the processes named `name` in process group `group` (Linux only). */
export function pidsIn(name: string, group: number): number[] {
	const out = spawnSync("pgrep", ["-g", String(group), "-x", name], { encoding: "utf8" }).stdout ?? "";
	return out
		.split("\n")
		.map(Number)
		.filter((pid) => pid > 0);
}

export type StatusField = "VmHWM" | "VmRSS" | "RssAnon" | "RssFile";

/**
 * One /proc status field (kB) of the processes named `name` in process group `group` — the largest of
 * them (Linux only). VmHWM is the peak, VmRSS now; RssAnon is heap and stacks, RssFile mapped files.
 */
export function procStatusKb(name: string, field: StatusField, group: number): number {
	const kbOf = (pid: number) => {
		let status = "";
		try {
			status = readFileSync(`/proc/${pid}/status`, "utf8");
		} catch {
			// It ended between pgrep and the read: it holds nothing.
		}
		const line = status.split("\n").find((l) => l.startsWith(`${field}:`));
		return Number(line?.replace(/\D+/g, "")) || 0;
	};
	return Math.max(0, ...pidsIn(name, group).map(kbOf));
}

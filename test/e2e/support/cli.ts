// The vendor CLI as a vendor runs it (Node executing batch/cli/edgesync.ts), for tests against an edge.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { eventually, GiveUp } from "../../../scripts/lib/wait.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface CliRun {
	child: ChildProcess;
	/** stdout and stderr so far. */
	stdout(): string;
	stderr(): string;
	/** Resolves with the exit code (null when ended by a signal). */
	exit: Promise<number | null>;
	/** Waits until stdout holds `text`. */
	waitFor(text: string | RegExp, ms?: number): Promise<void>;
}

/** Starts `edgesync <args>` with `env` added to this process's environment. */
export function startCli(env: Record<string, string>, ...args: string[]): CliRun {
	const child = spawn(process.execPath, ["batch/cli/edgesync.ts", ...args], {
		cwd: ROOT,
		env: { ...process.env, NO_COLOR: "1", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	let err = "";
	child.stdout.on("data", (chunk: Buffer) => {
		out += chunk.toString("utf8");
	});
	child.stderr.on("data", (chunk: Buffer) => {
		err += chunk.toString("utf8");
	});
	const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
	return {
		child,
		stdout: () => out,
		stderr: () => err,
		exit,
		async waitFor(text, ms = 60_000) {
			const found = () => (typeof text === "string" ? out.includes(text) : text.test(out));
			await eventually(`edgesync ${args[0]} to print ${String(text)}`, ms, async () => {
				if (found()) return true;
				if (child.exitCode !== null) throw new GiveUp(`edgesync exited ${child.exitCode}:\n${out}\n${err}`);
				return undefined;
			});
		},
	};
}

/** Runs `edgesync <args>` to its end. */
export async function cli(env: Record<string, string>, ...args: string[]) {
	const run = startCli(env, ...args);
	const status = await run.exit;
	return { status, stdout: run.stdout(), stderr: run.stderr() };
}

// Commands a benchmark runs to completion (sqlite3, gzip, the tag build). `wrangler dev` and its state
// come from the shared harness, scripts/lib/wrangler-dev.ts.
import { spawn, spawnSync } from "node:child_process";

const benchEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

export function run(command: string, args: string[], opts: { input?: string; cwd?: string } = {}): string {
	const result = spawnSync(command, args, { env: benchEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

/** `run` without blocking: the bench keeps polling (and sampling the heap) while the command works. */
export function launch(command: string, args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { env: benchEnv, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", (chunk) => {
			out += chunk;
		});
		child.stderr.on("data", (chunk) => {
			out += chunk;
		});
		child.on("error", reject);
		child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} failed (${code}): ${out}`))));
	});
}

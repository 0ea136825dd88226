// `npm run check` (part of `npm test`): the static checks, as many at once as the machine has cores.
// Each check's output is held back and printed whole when it ends, so the log reads one check at a time.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** Longest first (measured), so the short ones fill in beside them. */
const checks: { name: string; command: string; args: string[] }[] = [
	{ name: "tsc (edge)", command: bin("tsc"), args: ["-p", "tsconfig.json"] },
	{ name: "deploy check", command: process.execPath, args: ["scripts/deploy-check.ts"] },
	{ name: "tsc (node tools)", command: bin("tsc"), args: ["-p", "tsconfig.node.json"] },
	{ name: "Env types up to date", command: "npm", args: ["run", "--silent", "types:check"] },
	{ name: "tsc (tag)", command: bin("tsc"), args: ["-p", "tag/tsconfig.json"] },
	{ name: "layers", command: "npm", args: ["run", "--silent", "check:layers"] },
	{ name: "lint", command: bin("biome"), args: ["check", "."] },
];

interface Outcome {
	name: string;
	ok: boolean;
	seconds: number;
	output: string;
}

function runCheck({ name, command, args }: (typeof checks)[number]): Promise<Outcome> {
	const started = performance.now();
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
		let output = "";
		child.stdout.on("data", (d) => {
			output += d;
		});
		child.stderr.on("data", (d) => {
			output += d;
		});
		const done = (ok: boolean, extra = "") =>
			resolve({ name, ok, seconds: (performance.now() - started) / 1000, output: output + extra });
		child.on("error", (err) => done(false, String(err)));
		child.on("close", (code) => done(code === 0));
	});
}

const queue = [...checks];
const outcomes: Outcome[] = [];
/** Runs checks off the shared queue until it is empty: one of these per core. */
async function drainQueue(): Promise<void> {
	for (let next = queue.shift(); next; next = queue.shift()) {
		const outcome = await runCheck(next);
		outcomes.push(outcome);
		const verdict = outcome.ok ? "ok" : "FAILED";
		console.log(`── ${outcome.name}: ${verdict} (${outcome.seconds.toFixed(1)} s)`);
		if (outcome.output.trim() !== "") console.log(outcome.output.trimEnd());
	}
}

await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), checks.length)) }, drainQueue));
const failed = outcomes.filter((o) => !o.ok).map((o) => o.name);
if (failed.length > 0) {
	console.error(`checks failed: ${failed.join(", ")}`);
	process.exit(1);
}

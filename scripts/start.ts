// `npm start`: everything a newcomer needs to see the edge run locally, with nothing to sign up for.
// Local D1/R2/Queues state lives in .wrangler/state (ignored by git).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { secretProblem } from "../core/config/secret-strength.ts";

// X_LOCAL_OBSERVABILITY=false: wrangler's local trace recording slows large deliveries by half
// (scripts/lib/wrangler-dev.ts).
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false" };
/** The edge refuses to run without these (worker/secrets-check.ts); each machine gets its own. */
const SECRETS = ["ADMIN_TOKEN", "SESSION_SECRET", "FPID_SECRET"];

function run(command: string, args: string[]): void {
	const result = spawnSync(command, args, { stdio: "inherit", env });
	if (result.status !== 0) {
		console.error(`\n✖ ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status ?? 1);
	}
}

/** .dev.vars from the example, with a random local value for every secret that is missing or weak. */
function ensureDevVars(): void {
	const existing = existsSync(".dev.vars")
		? readFileSync(".dev.vars", "utf8")
		: readFileSync(".dev.vars.example", "utf8");
	let text = existing;
	const made: string[] = [];
	for (const name of SECRETS) {
		const line = new RegExp(`^${name}=(.*)$`, "m");
		const value = line.exec(text)?.[1] ?? "";
		if (secretProblem(value) === null) continue;
		const fresh = `${name}=${randomBytes(33).toString("base64url")}`;
		text = line.test(text) ? text.replace(line, fresh) : `${text.trimEnd()}\n${fresh}\n`;
		made.push(name);
	}
	if (text !== existing || !existsSync(".dev.vars")) writeFileSync(".dev.vars", text);
	if (made.length > 0) console.log(`.dev.vars: generated ${made.join(", ")} for this machine.`);
	const token = /^ADMIN_TOKEN=(.*)$/m.exec(text)?.[1];
	console.log(`Local admin token (dashboard login, API bearer): ${token}`);
}

ensureDevVars();
run("npm", ["run", "build"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("npx", ["wrangler", "d1", "execute", "DB", "--local", "--file", "scripts/seed-demo.sql"]);
console.log("\nDemo page: http://localhost:8787/demo   Admin API docs: http://localhost:8787/api/docs");
console.log("Fire the cron locally: curl 'http://localhost:8787/__scheduled?cron=*+*+*+*+*'\n");
run("npx", ["wrangler", "dev", "--test-scheduled", ...process.argv.slice(2)]);

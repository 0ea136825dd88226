// `npm start`: everything a newcomer needs to see the edge run locally, with nothing to sign up for.
// Local D1/R2/Queues state lives in .wrangler/state (ignored by git).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function run(command: string, args: string[]): void {
	const result = spawnSync(command, args, { stdio: "inherit", env });
	if (result.status !== 0) {
		console.error(`\n✖ ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status ?? 1);
	}
}

if (!existsSync(".dev.vars")) {
	copyFileSync(".dev.vars.example", ".dev.vars");
	console.log("Created .dev.vars from .dev.vars.example (local ADMIN_TOKEN, DEMO=true).");
}
run("npm", ["run", "build"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("npx", ["wrangler", "d1", "execute", "DB", "--local", "--file", "scripts/seed-demo.sql"]);
console.log("\nDemo page: http://localhost:8787/demo   Admin API docs: http://localhost:8787/api/docs");
console.log("Fire the cron locally: curl 'http://localhost:8787/__scheduled?cron=*+*+*+*+*'\n");
run("npx", ["wrangler", "dev", "--test-scheduled", ...process.argv.slice(2)]);

import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { forgetPartnerDirectory } from "../../../core/partners/directory";

// Every test starts from empty storage with the current schema, and no partner list cached in the isolate.
beforeEach(async () => {
	await reset();
	await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
	forgetPartnerDirectory();
});

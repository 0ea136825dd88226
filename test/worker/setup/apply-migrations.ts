import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { forgetShardMap } from "../../../core/graph/shards/map-store";
import { forgetStrandedCheck } from "../../../core/graph/stranded";
import { forgetPartnerDirectory } from "../../../core/partners/directory";

// Every test starts from empty storage with the current schema, and nothing cached in the isolate (the
// partner list, the shard map, the stranded-graph check).
beforeEach(async () => {
	await reset();
	await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
	forgetPartnerDirectory();
	forgetShardMap();
	forgetStrandedCheck();
});

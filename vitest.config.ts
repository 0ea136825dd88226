import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));

// Values the tests rely on; they override wrangler.toml's production defaults.
export const TEST_VARS = {
	ADMIN_TOKEN: "test-admin-token",
	DEMO: "true",
	EDGE_TCF_VENDOR_ID: "1234",
	SITE_ORIGINS: "https://site.example",
};

export default defineConfig({
	test: {
		projects: [
			{
				extends: false,
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: { ...TEST_VARS, TEST_MIGRATIONS: migrations },
							// Route tests send to a queue nobody consumes, so no background consumer writes
							// into a later test; consumer tests drive batches with createMessageBatch.
							queueProducers: { PAIRS_QUEUE: { queueName: "edgesync-pairs-unconsumed" } },
						},
					}),
				],
				test: {
					name: "worker",
					include: ["test/worker/**/*.test.ts"],
					setupFiles: ["test/worker/setup/apply-migrations.ts"],
					restoreMocks: true,
				},
			},
		],
	},
});

import { accessSync, constants, existsSync, readFileSync, statfsSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Worker bundles the built tag (wrangler.toml [[rules]]); say so plainly instead of failing on an import.
if (!existsSync(path.join(import.meta.dirname, "dist", "tag.js"))) {
	throw new Error("dist/tag.js is missing: run `npm run build` first (`npm test` builds it for you).");
}

// Local storage of every test (miniflare's D1, R2, Durable Objects and Workflows under os.tmpdir(), and
// the e2e suites' `wrangler dev` state) on tmpfs when the machine has one: nothing there needs to outlive the
// run, and on disk the SQLite commits' fsyncs left the cores waiting 10–19 % of the time (README).
// A TMPDIR set by the caller wins; a small tmpfs (a container's default 64 MB) is left alone.
if (!process.env.TMPDIR && isRoomyDir("/dev/shm", 2 * 1024 ** 3)) process.env.TMPDIR = "/dev/shm";

const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));

// Values the tests rely on; they override wrangler.toml's production defaults.
export const TEST_VARS = {
	ADMIN_TOKEN: "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD",
	SESSION_SECRET: "test-session-secret-4Hc8Jw2Nq6Vz1Xr5Tb9Lm3Pk",
	FPID_SECRET: "test-fpid-secret-7Gd3Ks9Wq2Ye6Ra1Uf5Ph8Jn4Mz",
	DEMO: "true",
	EDGE_TCF_VENDOR_ID: "1234",
	SITE_ORIGINS: "https://site.example",
	OPERATOR_EMAIL: "ops@edge.example",
	RECEIPT_FROM: "receipts@edge.example",
	// Outbound targets: secrets the test destinations name (target secrets are named DELIVERY_…), and a
	// short upload timeout for the "endpoint answers slowly" cases.
	OUTBOUND_HTTP_TIMEOUT_SECONDS: "0.5",
	// One listing page per outbound file step, so a file of a few pages is already written over several.
	OUTBOUND_STEP_SUBREQUESTS: "1",
	// Pages of 10,000 partner IDs, so a file of a few tens of thousands of members spans several.
	OUTBOUND_PAGE_IDS: "10000",
	DELIVERY_PARTNER_POST_TOKEN: "Bearer partner-post-secret",
	DELIVERY_S3_KEY_ID: "AKIDEDGESYNCTEST",
	DELIVERY_S3_SECRET: "edgesync-test-secret-key",
	DELIVERY_S3_REVOKED_SECRET: "a-secret-the-bucket-no-longer-accepts",
	// A handful of shards, so every test spreads its visitors and partner IDs over several objects.
	VISITOR_SHARD_COUNT: "4",
	PARTNER_ID_SHARD_COUNT: "3",
	// Small pieces and groups, so a file of a few thousand lines already spans several of each.
	INBOUND_LINES_PER_GROUP: "1000",
	INBOUND_PIECE_BYTES: "65536",
};

// The test suite's own PGP key pair and files `gpg` encrypted to it (AAM's command line; BZip2)
// (test/worker/fixtures/pgp/README.md): published test material, never a real key. The private key is
// the Worker's INBOUND_PGP_PRIVATE_KEY secret in the tests; the rest are test-only bindings (test/env.d.ts).
const pgpFixture = (file: string) => readFileSync(path.join(import.meta.dirname, "test/worker/fixtures/pgp", file));
const PGP_VARS = {
	INBOUND_PGP_PRIVATE_KEY: pgpFixture("edgesync-test-key.private.asc").toString("utf8"),
	INBOUND_PGP_PASSPHRASE: "edgesync-test-passphrase-not-secret",
	TEST_PGP_PUBLIC_KEY: pgpFixture("edgesync-test-key.public.asc").toString("utf8"),
	TEST_GPG_AAM_COMMAND_BASE64: pgpFixture("aam-command.sync.gpg").toString("base64"),
	TEST_GPG_BZIP2_BASE64: pgpFixture("bzip2.sync.gpg").toString("base64"),
};

// wrangler.toml requires these secrets; reading the config for the tests looks for them in the
// environment and warns on every file without them. The tests' own values (bindings above) are the ones used.
process.env.ADMIN_TOKEN ??= TEST_VARS.ADMIN_TOKEN;
process.env.SESSION_SECRET ??= TEST_VARS.SESSION_SECRET;
process.env.FPID_SECRET ??= TEST_VARS.FPID_SECRET;

const workerProject = (name: string, vars: Record<string, string>, include: string[]) => ({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: { ...TEST_VARS, ...PGP_VARS, ...vars, TEST_MIGRATIONS: migrations },
				// Route tests send to a queue nobody consumes, so no background consumer writes
				// into a later test; consumer tests drive batches with createMessageBatch.
				queueProducers: Object.fromEntries(
					["PAIRS_QUEUE", "PAIRS_QUEUE_1", "PAIRS_QUEUE_2", "PAIRS_QUEUE_3"].map((b) => [
						b,
						{ queueName: "edgesync-pairs-unconsumed" },
					]),
				),
			},
		}),
	],
	test: {
		name,
		include,
		setupFiles: ["test/worker/setup/apply-migrations.ts"],
		// One isolate per worker for all its files: each file no longer loads the whole Worker again (about
		// 12 s of module loading per file). Storage and the isolate's caches are reset before every test.
		isolate: false,
		restoreMocks: true,
		// A few tests make hundreds of calls (rate limits) or write a 6 MB file; on a busy 2-core
		// machine they need more than the default 5 s. Nothing here is timed.
		testTimeout: 30_000,
	},
});

export default defineConfig({
	test: {
		// Vitest's default on a 2-core machine is one worker; the workerd test files spend much of their
		// time starting up and applying migrations, so two at once take about two thirds of the time.
		maxWorkers: 2,
		projects: [
			// The worker suites on the configured store (wrangler.toml's GRAPH_STORE: the shards)…
			workerProject("worker", {}, ["test/worker/**/*.test.ts"]),
			// …and those that write or read the graph through the edge again on the D1 reference, which
			// deployments that have not moved to the shards still run on.
			workerProject("worker-d1", { GRAPH_STORE: "d1" }, [
				"test/worker/id.test.ts",
				"test/worker/optout.test.ts",
				"test/worker/pairs-consumer.test.ts",
				"test/worker/inbound-apply.test.ts",
				"test/worker/segments-membership.test.ts",
				"test/worker/segments-backfill.test.ts",
				"test/worker/outbound-files.test.ts",
			]),
			{
				// Pure logic of the browser tag (consent merging, URLs, config, the page API).
				test: { name: "tag", environment: "node", include: ["tag/src/**/*.test.ts"], restoreMocks: true },
			},
			{
				// Node-side tools: the vendor CLI (`npx edgesync validate`), the set-up and the deploy check. Many
				// tests start Node or wrangler a few times; on a busy 2-core machine that takes more than the
				// default 5 s. Nothing here is timed.
				test: { name: "node", environment: "node", include: ["test/node/**/*.test.ts"], testTimeout: 30_000 },
			},
			{
				// The tag in real Chromium against `wrangler dev` (test/e2e/README.md).
				test: {
					name: "e2e",
					environment: "node",
					include: ["test/e2e/**/*.test.ts"],
					// Starting wrangler dev and Chromium on a 2-core machine takes a while; the tests themselves wait
					// for the requests they expect, with their own deadlines.
					hookTimeout: 120_000,
					testTimeout: 30_000,
				},
			},
		],
	},
});

/** A directory this process may write, with at least `bytes` free. */
function isRoomyDir(dir: string, bytes: number): boolean {
	try {
		accessSync(dir, constants.W_OK);
		const space = statfsSync(dir);
		return space.bavail * space.bsize >= bytes;
	} catch {
		return false;
	}
}

// Test-only bindings added by vitest.config.ts on top of the generated Env.
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		// Delivery secrets that test destinations name (Worker secrets in production).
		PARTNER_POST_TOKEN: string;
		S3_KEY_ID: string;
		S3_SECRET: string;
		S3_REVOKED_SECRET: string;
	}
}

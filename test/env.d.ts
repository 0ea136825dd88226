// Test-only bindings added by vitest.config.ts on top of the generated Env.
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		// Target secrets that test destinations name (Worker secrets named DELIVERY_… in production).
		DELIVERY_PARTNER_POST_TOKEN: string;
		DELIVERY_S3_KEY_ID: string;
		DELIVERY_S3_SECRET: string;
		DELIVERY_S3_REVOKED_SECRET: string;
	}
}

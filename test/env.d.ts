// Test-only bindings added by vitest.config.ts on top of the generated Env.
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		// Target secrets that test destinations name (Worker secrets named DELIVERY_… in production).
		DELIVERY_PARTNER_POST_TOKEN: string;
		DELIVERY_S3_KEY_ID: string;
		DELIVERY_S3_SECRET: string;
		DELIVERY_S3_REVOKED_SECRET: string;
		// The test key pair's public half and files `gpg` encrypted to it (test/worker/fixtures/pgp/); the
		// private half is INBOUND_PGP_PRIVATE_KEY, a secret the edge reads by name (core/config/inbound-pgp.ts).
		TEST_PGP_PUBLIC_KEY: string;
		TEST_GPG_AAM_COMMAND_BASE64: string;
		TEST_GPG_BZIP2_BASE64: string;
	}
}

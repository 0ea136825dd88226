// Test-only bindings added by vitest.config.ts on top of the generated Env.
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
	}
}

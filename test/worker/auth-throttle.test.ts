// Failed credentials are throttled per client address (IPv6 per /64): the admin token and partner keys
// on /api/v1 and the exchange, and dashboard logins, share one allowance. Once it is used up, the next
// attempt gets 429 before its credential is looked at (a right guess looks like a wrong one), while good
// credentials never count.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pruneAuthFailures } from "../../worker/auth/failure-throttle";
import { call, EDGE } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

const ADMIN = "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD";
// The policy, stated here rather than read from the module under test: 10 failures per 15 minutes.
const MAX_AUTH_FAILURES = 10;
const AUTH_FAILURE_WINDOW_MS = 15 * 60_000;
let keys: Record<1000 | 2000, string>;

beforeEach(async () => {
	keys = await seedPartnersWithKeys(1000, 2000);
});

const api = (path: string, token: string, ip: string) =>
	call(path, { headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": ip } });
const adminCall = (token: string, ip: string) => api("/api/v1/partners", token, ip);
const login = (token: string, ip: string) =>
	call("/admin/login", {
		method: "POST",
		body: new URLSearchParams({ token }),
		headers: { Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip },
	});

async function failTimes(n: number, ip: string) {
	for (let i = 0; i < n; i++) expect((await adminCall(`wrong-${i}`, ip)).status).toBe(401);
}

describe("bearer failures on /api/v1", () => {
	it("after the allowance, the next attempt gets 429 with Retry-After — even with the right token", async () => {
		await failTimes(MAX_AUTH_FAILURES, "192.0.2.10");
		const right = await adminCall(ADMIN, "192.0.2.10");
		expect(right.status).toBe(429);
		expect(await right.json()).toEqual({ error: expect.stringMatching(/too many failed credentials/) });
		const retryAfter = Number(right.headers.get("Retry-After"));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_WINDOW_MS / 1000);
		// A right partner key is refused the same way: nothing tells the guesser which guess was right.
		expect((await api("/api/v1/inbound-files", keys[1000], "192.0.2.10")).status).toBe(429);
		// Another address is not affected.
		expect((await adminCall(ADMIN, "192.0.2.11")).status).toBe(200);
		expect((await adminCall("wrong", "192.0.2.11")).status).toBe(401);
	});

	it("counts wrong partner keys on partner routes and uploads too", async () => {
		const ip = "192.0.2.20";
		const wrongKey = `${keys[1000].slice(0, -1)}x`;
		for (let i = 0; i < MAX_AUTH_FAILURES / 2; i++) {
			expect((await api("/api/v1/inbound-files", wrongKey, ip)).status).toBe(401);
			const upload = await call("/exchange/inbound/ftp_dpm_1000_1790000000.sync", {
				method: "PUT",
				body: "x\td_sid=1\n",
				headers: { Authorization: `Bearer ${wrongKey}`, "CF-Connecting-IP": ip, "Content-Length": "10" },
			});
			expect(upload.status).toBe(401);
		}
		expect((await api("/api/v1/partner/whoami", keys[1000], ip)).status).toBe(429);
	});

	it("limits an IPv6 client by its /64: fresh addresses from the prefix share one allowance", async () => {
		for (let i = 0; i < MAX_AUTH_FAILURES; i++) {
			expect((await adminCall("wrong", `2001:db8:5:6:${(i + 1).toString(16)}::1`)).status).toBe(401);
		}
		expect((await adminCall(ADMIN, "2001:db8:5:6:ffff::9")).status).toBe(429);
		expect((await adminCall(ADMIN, "2001:db8:5:7::1")).status).toBe(200);
	});

	it("never throttles good credentials, however many, even after some failures", async () => {
		const ip = "192.0.2.30";
		await failTimes(MAX_AUTH_FAILURES - 1, ip);
		for (let i = 0; i < 3 * MAX_AUTH_FAILURES; i++) {
			expect((await adminCall(ADMIN, ip)).status).toBe(200);
			expect((await api("/api/v1/inbound-files", keys[2000], ip)).status).toBe(200);
		}
		// The failures before are still counted: one more is allowed, then none.
		expect((await adminCall("wrong", ip)).status).toBe(401);
		expect((await adminCall(ADMIN, ip)).status).toBe(429);
	});

	it("lets no burst of concurrent guesses past the allowance", async () => {
		const answers = await Promise.all(
			Array.from({ length: 3 * MAX_AUTH_FAILURES }, (_, i) => adminCall(`guess-${i}`, "192.0.2.40")),
		);
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_AUTH_FAILURES);
		expect(statuses.filter((s) => s === 429)).toHaveLength(2 * MAX_AUTH_FAILURES);
	});

	it("starts over once the window has ended", async () => {
		await failTimes(MAX_AUTH_FAILURES, "192.0.2.50");
		expect((await adminCall(ADMIN, "192.0.2.50")).status).toBe(429);
		// The window started a whole window ago.
		await env.DB.prepare("UPDATE auth_failures SET window_start = window_start - ?1")
			.bind(AUTH_FAILURE_WINDOW_MS)
			.run();
		expect((await adminCall(ADMIN, "192.0.2.50")).status).toBe(200);
		expect((await adminCall("wrong", "192.0.2.50")).status).toBe(401);
	});

	it("does not count a request without a token", async () => {
		for (let i = 0; i < 2 * MAX_AUTH_FAILURES; i++) {
			expect((await call("/api/v1/partners", { headers: { "CF-Connecting-IP": "192.0.2.60" } })).status).toBe(401);
		}
		expect((await adminCall(ADMIN, "192.0.2.60")).status).toBe(200);
	});
});

describe("dashboard logins share the allowance", () => {
	it("failed logins throttle the address's bearer calls", async () => {
		const ip = "192.0.2.70";
		for (let i = 0; i < MAX_AUTH_FAILURES; i++) expect((await login(`wrong-${i}`, ip)).status).toBe(401);
		expect((await adminCall(ADMIN, ip)).status).toBe(429);
	});

	it("bearer failures throttle the address's logins: the right token gets 429 and no session", async () => {
		const ip = "192.0.2.71";
		await failTimes(MAX_AUTH_FAILURES, ip);
		const res = await login(ADMIN, ip);
		expect(res.status).toBe(429);
		expect(res.headers.getSetCookie()).toEqual([]);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM dashboard_sessions").first()).toEqual({ n: 0 });
	});

	it("limits every login post per address with LOGINS_PER_IP, good ones included", async () => {
		const ip = (attempt: number) => `192.0.2.${72 + attempt * 10}`;
		const res = await beyondLimit(
			10,
			async (_, attempt) => {
				expect((await login(ADMIN, ip(attempt))).status).toBe(303);
			},
			(attempt) => login(ADMIN, ip(attempt)),
		);
		expect(res.status).toBe(429);
		expect(await res.text()).toMatch(/too many logins/);
		expect((await login(ADMIN, "192.0.2.73")).status).toBe(303);
	});
});

describe("the failure table stays small", () => {
	it("drops ended windows when a failure is recorded, and with the prune", async () => {
		const old = Date.now() - AUTH_FAILURE_WINDOW_MS - 1;
		await env.DB.prepare(
			"INSERT INTO auth_failures (client, window_start, failures) VALUES ('198.51.100.1', ?1, 3), ('198.51.100.2', ?1, 3)",
		)
			.bind(old)
			.run();
		await adminCall("wrong", "192.0.2.80");
		const clients = async () =>
			(await env.DB.prepare("SELECT client FROM auth_failures ORDER BY client").all<{ client: string }>()).results.map(
				(r) => r.client,
			);
		expect(await clients()).toEqual(["192.0.2.80"]);
		await pruneAuthFailures(env.DB, Date.now() + AUTH_FAILURE_WINDOW_MS);
		expect(await clients()).toEqual([]);
	});
});

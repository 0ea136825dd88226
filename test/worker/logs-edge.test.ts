// The edge's log lines for HTTP refusals and the pair queues (core/log, worker/http/errors.ts,
// worker/pairs/): one JSON line per event, its correlation id, and no personal data in any line.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { scrub } from "../../core/log";
import worker from "../../worker";
import { call, callWith } from "./support/edge";
import { captureLogs } from "./support/log-lines";
import { seedPartner, seedPartnersWithKeys } from "./support/partners";

const VISITOR = "12345678901234567890123456789012345678";
const PARTNER_USER = "partner-user-4711";
const IP = "203.0.113.77";
const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const IBS_ROUTE = "/:path{ibs(?::[\\s\\S]*)?}";
// What a browser sends with a sync call: its cookie and address. None of it may reach a log line.
const BROWSER = { cookie: `uuid=${VISITOR}`, headers: { "CF-Connecting-IP": IP, Accept: "image/*" } };

function expectNoPersonalData(text: string) {
	expect(text).not.toContain(VISITOR);
	expect(text).not.toContain(PARTNER_USER);
	expect(text).not.toContain(IP);
}

beforeEach(async () => {
	await seedPartner({ dpid: 1000, redirectHosts: ["partner.example"] });
});

describe("a refused call", () => {
	it("is one warn line with its request id, route pattern, status, reason and AAM code, and no partner user ID", async () => {
		const log = captureLogs();
		const res = await call(`/ibs:dpid=1000&dpuuid=${PARTNER_USER}%FF`, BROWSER);
		expect(res.status).toBe(400);
		const requestId = res.headers.get("X-Request-Id") ?? "";
		expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(log.events("http.refused")).toEqual([
			{
				level: "warn",
				console: "warn",
				event: "http.refused",
				requestId,
				method: "GET",
				route: IBS_ROUTE,
				status: 400,
				reason: "dpid or dpuuid is not valid UTF-8",
				codes: [311],
			},
		]);
		expectNoPersonalData(log.text());
	});

	it("a redirect refused for its host logs the host, not the URL that carried the IDs", async () => {
		const log = captureLogs();
		const redir = encodeURIComponent(`https://evil.example/sync?uid=${PARTNER_USER}&u=${VISITOR}`);
		const res = await call(`/ibs?dpid=1000&dpuuid=${PARTNER_USER}&redir=${redir}`, BROWSER);
		expect(res.status).toBe(400);
		const [line] = log.events("http.refused");
		expect(line).toMatchObject({ status: 400, reason: "redir host evil.example is not allowed for this partner" });
		expectNoPersonalData(log.text());
	});

	it("names the route as registered, never the path that carried a visitor's UUID", async () => {
		const log = captureLogs();
		const res = await call(`/api/v1/visitors/${VISITOR}`, { headers: ADMIN });
		expect(res.status).toBe(404);
		expect(log.events("http.refused")).toEqual([
			expect.objectContaining({ route: "/api/v1/visitors/:uuid", status: 404 }),
		]);
		expectNoPersonalData(log.text());
	});

	it("takes Cloudflare's Ray ID as the request id, and ignores a cf-ray that is not one", async () => {
		const log = captureLogs();
		const ray = "8f1a2b3c4d5e6f70-FRA";
		const res = await call("/api/v1/partners", { headers: { "cf-ray": ray } });
		expect(res.status).toBe(401);
		expect(res.headers.get("X-Request-Id")).toBe(ray);
		const forged = await call("/api/v1/partners", { headers: { "cf-ray": '"},{"event":"forged' } });
		const forgedId = forged.headers.get("X-Request-Id");
		expect(forgedId).toMatch(/^[0-9a-f-]{36}$/);
		expect(log.events("http.refused").map((l) => [l.requestId, l.route, l.status])).toEqual([
			[ray, "/api/v1/partners", 401],
			[forgedId, "/api/v1/partners", 401],
		]);
		expect(log.events("forged")).toEqual([]);
	});

	it("a 5xx is one error line naming the problem for the operator, while the caller sees only 'internal error'", async () => {
		const log = captureLogs();
		const res = await callWith({ ADMIN_TOKEN: "short" }, `/ibs:dpid=1000&dpuuid=${PARTNER_USER}`, BROWSER);
		expect(res.status).toBe(500);
		expect(await res.json()).toEqual({ error: "internal error" });
		const [line] = log.events("http.refused");
		expect(line).toMatchObject({
			level: "error",
			console: "error",
			requestId: res.headers.get("X-Request-Id"),
			status: 500,
			reason: expect.stringMatching(/^edgesync refuses to run: ADMIN_TOKEN is shorter than 32 characters/),
		});
		expectNoPersonalData(log.text());
	});

	it("a call authenticated by a partner key names the partner's DPID", async () => {
		const { 2000: key } = await seedPartnersWithKeys(2000);
		const log = captureLogs();
		const res = await call("/exchange/inbound/not-an-inbound-name.txt", {
			method: "PUT",
			body: "x",
			headers: { Authorization: `Bearer ${key}` },
		});
		expect(res.status).toBe(400);
		expect(log.events("http.refused")).toEqual([
			expect.objectContaining({ dpid: 2000, status: 400, reason: expect.stringMatching(/^bad file name: /) }),
		]);
		// A key that authenticates nobody names no partner.
		await call("/api/v1/partners/1000", { headers: { Authorization: "Bearer es_pk_nope" } });
		expect(log.events("http.refused")[1]).toMatchObject({ status: 401 });
		expect(log.events("http.refused")[1]).not.toHaveProperty("dpid");
	});
});

describe("free text in a line", () => {
	it("loses e-mail addresses, IP addresses and edgesync UUIDs, keeps clock times, stays one bounded line", () => {
		expect(scrub(`visitor ${VISITOR} from ${IP} or 2001:db8::1 or 2001:db8:0:0:1:2:3:4, mail ops@example.com`)).toBe(
			"visitor [uuid] from [ip] or [ip] or [ip], mail [email]",
		);
		expect(scrub("retry at 12:30:05")).toBe("retry at 12:30:05");
		expect(scrub("two\nlines")).toBe("two lines");
		expect(scrub("x".repeat(600))).toHaveLength(500);
	});
});

let seq = 0;
function pairMessage(
	attempts = 1,
	body: unknown = { v: 1, uuid: VISITOR, at: 1, pairs: [{ dpid: 1000, dpuuid: PARTNER_USER }] },
) {
	return { id: `msg-${++seq}`, timestamp: new Date(1_800_000_000_000), attempts, body };
}

async function consume(queue: string, messages: ReturnType<typeof pairMessage>[]) {
	const batch = createMessageBatch(queue, messages);
	const ctx = createExecutionContext();
	await worker.queue(batch, env);
	return getQueueResult(batch, ctx);
}

describe("the pair queues", () => {
	it("a retried message is one warn line with its queue, id, attempt and back-off, never its body", async () => {
		const log = captureLogs();
		vi.spyOn(env.ARCHIVE, "put").mockRejectedValueOnce(new Error("R2 is unavailable"));
		const message = pairMessage(2);
		const result = await consume("edgesync-pairs-1", [message]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual([message.id]);
		expect(log.events("queue.retry")).toEqual([
			{
				level: "warn",
				console: "warn",
				event: "queue.retry",
				queue: "edgesync-pairs-1",
				messageId: message.id,
				attempts: 2,
				delaySeconds: 20,
				error: "R2 is unavailable",
			},
		]);
		expectNoPersonalData(log.text());
	});

	it("a malformed message is dead-lettered at once: one error line per message, naming the object that keeps it", async () => {
		const log = captureLogs();
		const bad = pairMessage(1, { v: 1, uuid: VISITOR, at: 1, pairs: [{ dpid: "x", dpuuid: PARTNER_USER }] });
		await consume("edgesync-pairs", [bad]);
		const [object] = (await env.ARCHIVE.list({ prefix: "dead-letter/edgesync-pairs/malformed/" })).objects;
		expect(log.events("queue.dead_letter")).toEqual([
			{
				level: "error",
				console: "error",
				event: "queue.dead_letter",
				queue: "edgesync-pairs",
				messageId: bad.id,
				attempts: 1,
				reason: "malformed",
				key: object?.key,
			},
		]);
		expectNoPersonalData(log.text());
	});

	it("the dead-letter queue's messages (out of retries) are one line each", async () => {
		const log = captureLogs();
		const messages = [pairMessage(6), pairMessage(6)];
		await consume("edgesync-pairs-dlq", messages);
		const [object] = (await env.ARCHIVE.list({ prefix: "dead-letter/edgesync-pairs-dlq/exhausted/" })).objects;
		expect(log.events("queue.dead_letter").map((l) => [l.messageId, l.reason, l.key, l.attempts])).toEqual(
			messages.map((m) => [m.id, "exhausted", object?.key, 6]),
		);
		expectNoPersonalData(log.text());
	});
});

import { createScheduledController, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { findRun, listRuns } from "../../batch/outbound/runs/store";
import worker from "../../worker";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { call } from "./support/edge";
import { pair, runAt, seedDestination, seedSegments, traitsChange } from "./support/outbound";
import { seedPartner } from "./support/partners";

const T0 = 1_800_000_000_000; // a quarter hour on the dot
const MIN = 60_000;
const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };

async function tick(at: number): Promise<void> {
	await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env);
}

async function state(destinationId: number) {
	return env.DB.prepare("SELECT next_run_at, running_run FROM destination_state WHERE destination_id = ?1")
		.bind(destinationId)
		.first<{ next_run_at: number; running_run: string | null }>();
}

beforeEach(async () => {
	await seedSegments();
	await pair("pa", "1".repeat(38));
	await traitsChange(T0 - 30 * MIN, { ["1".repeat(38)]: { add: [2] } });
});

describe("scheduled runs", () => {
	it("start when the destination's cron schedule is due, once per due time", async () => {
		await seedDestination(1, { schedule: "*/15 * * * *" });
		await tick(T0);
		expect(await state(1)).toEqual({ next_run_at: T0 + 15 * MIN, running_run: null });
		await tick(T0 + 14 * MIN);
		expect(await listRuns(env.DB, { destinationId: 1 })).toEqual([]);

		const due = T0 + 15 * MIN;
		await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, "outbound-1-1800000900000");
		await tick(due);
		await instance.waitForStatus("complete");
		const run = await findRun(env.DB, "1-1800000900000");
		expect(run).toMatchObject({ trigger: "schedule", status: "sent", lines: 1 });
		expect(await state(1)).toEqual({ next_run_at: T0 + 30 * MIN, running_run: null });
	});

	it("recompute the next run when the schedule changes", async () => {
		await seedDestination(1, { schedule: "0 3 * * *" });
		await tick(T0);
		expect((await state(1))?.next_run_at).toBe(Date.UTC(2027, 0, 16, 3));
		await seedDestination(1, { schedule: "30 * * * *" });
		await tick(T0 + MIN);
		expect((await state(1))?.next_run_at).toBe(T0 + 30 * MIN);
	});

	it("skip (and log) a destination whose schedule never fires, stored before such schedules were refused: the others still run", async () => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		// Stored through the store, as a row saved before the admin API refused it; it sorts first.
		await seedDestination(1, { schedule: "0 0 31 2 *" });
		await seedDestination(2, { schedule: "*/15 * * * *" });
		await tick(T0);
		expect(await state(1)).toBeNull();
		expect(await state(2)).toEqual({ next_run_at: T0 + 15 * MIN, running_run: null });
		expect(logged).toHaveBeenCalledWith(expect.stringContaining("destination 1 skipped"), expect.anything());

		await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, "outbound-2-1800000900000");
		await tick(T0 + 15 * MIN);
		await instance.waitForStatus("complete");
		expect(await findRun(env.DB, "2-1800000900000")).toMatchObject({ trigger: "schedule", status: "sent" });
		expect(await listRuns(env.DB, { destinationId: 1 })).toEqual([]);

		// "Run now" refuses it with the reason instead of failing.
		const refused = await call("/api/v1/destinations/1/runs", { method: "POST", headers: ADMIN });
		expect(refused.status).toBe(400);
		expect(JSON.stringify(await refused.json())).toMatch(/schedule: never fires/);
		expect(await listRuns(env.DB, { destinationId: 1 })).toEqual([]);
	});

	it("never overlap: two crons firing together start one run, and none starts while one is running", async () => {
		await seedDestination(1, { schedule: "*/15 * * * *" });
		await tick(T0);
		const due = T0 + 15 * MIN;
		await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, "outbound-1-1800000900000");
		await Promise.all([tick(due), tick(due)]);
		await instance.waitForStatus("complete");
		expect((await listRuns(env.DB, { destinationId: 1 })).map((r) => r.id)).toEqual(["1-1800000900000"]);

		await env.DB.prepare("UPDATE destination_state SET running_run = 'held' WHERE destination_id = 1").run();
		await tick(T0 + 30 * MIN);
		const refused = await call("/api/v1/destinations/1/runs", { method: "POST", headers: ADMIN });
		expect(refused.status).toBe(409);
		expect(await refused.json()).toMatchObject({ error: expect.stringContaining("under way") });
		expect(await listRuns(env.DB, { destinationId: 1 })).toHaveLength(1);
	});
});

describe("outbound runs in the admin API", () => {
	it("start a run now (202), then show it to the operator and to its partner only", async () => {
		await seedDestination(1);
		const before = Date.now();
		const started = await call("/api/v1/destinations/1/runs", { method: "POST", headers: ADMIN });
		expect(started.status).toBe(202);
		const run = (await started.json()) as { id: string; status: string; trigger: string; timestamp: number };
		expect(run).toMatchObject({ status: "running", trigger: "manual" });
		expect(run.timestamp).toBeGreaterThanOrEqual(before);
		await using instance = await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, `outbound-${run.id}`);
		await instance.waitForStatus("complete");

		const own = (await createPartnerKey(env.DB, 1000, "t", 0)).secret;
		await seedPartner({ dpid: 2000 });
		const other = (await createPartnerKey(env.DB, 2000, "t", 0)).secret;
		const asPartner = await call(`/api/v1/outbound-runs/${run.id}`, { headers: { Authorization: `Bearer ${own}` } });
		expect(await asPartner.json()).toMatchObject({ id: run.id, status: "sent" });
		expect(
			(await call(`/api/v1/outbound-runs/${run.id}`, { headers: { Authorization: `Bearer ${other}` } })).status,
		).toBe(404);
		const otherList = await call("/api/v1/outbound-runs", { headers: { Authorization: `Bearer ${other}` } });
		expect(await otherList.json()).toEqual({ runs: [] });
		const adminList = await call("/api/v1/outbound-runs?destination=1", { headers: ADMIN });
		expect(((await adminList.json()) as { runs: unknown[] }).runs).toHaveLength(1);
		expect(
			(await call("/api/v1/destinations/1/runs", { method: "POST", headers: { Authorization: `Bearer ${own}` } }))
				.status,
		).toBe(401);
	});

	it("serve a run recorded before migration 0010 in today's words: an outcome's delivered is sent", async () => {
		await env.DB.prepare(
			`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, outcomes, started_at, finished_at)
			 VALUES ('1-1790000000000', 1, 1000, 'full', 'manual', 1790000000000, 0, 1789999940000, 'sent', ?1, 1790000000000, 1790000001000)`,
		)
			.bind(
				JSON.stringify({
					r2: { status: "delivered", target: "1000/outbound/", files: 2 },
					https: { status: "delivered", target: "https://partner.example/in", files: 2 },
				}),
			)
			.run();
		const res = await call("/api/v1/outbound-runs/1-1790000000000", { headers: ADMIN });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			id: "1-1790000000000",
			status: "sent",
			outcomes: {
				r2: { status: "sent", target: "1000/outbound/", files: 2 },
				https: { status: "sent", target: "https://partner.example/in", files: 2 },
			},
			durationMs: 1000,
		});
	});

	it("answer 404 for unknown destinations and runs, 400 for malformed run ids", async () => {
		expect((await call("/api/v1/destinations/99/runs", { method: "POST", headers: ADMIN })).status).toBe(404);
		expect((await call(`/api/v1/outbound-runs/99-${T0}`, { headers: ADMIN })).status).toBe(404);
		expect((await call("/api/v1/outbound-runs/1-abc';--", { headers: ADMIN })).status).toBe(400);
	});
});

describe("run summary e-mail", () => {
	it("goes to the destination's recipients with the run's counts and each target's outcome", async () => {
		await seedDestination(1, { mode: "full", summaryEmails: ["audience@partner.example"] });
		const run = await runAt(1, T0);
		const raw = await env.ARCHIVE.get("mail/runs/1-1800000000000/audience%40partner.example.eml");
		const mail = await PostalMime.parse((await raw?.text()) ?? "");
		expect(mail.subject).toBe("edgesync full run 1-1800000000000 for destination 1: sent");
		expect(mail.to?.map((a) => a.address)).toEqual(["audience@partner.example"]);
		expect(mail.text).toContain("Files: 1, lines: 1");
		expect(mail.text).toContain(`MD5 ${run.files[0]?.md5}`);
		expect(mail.text).toContain("Target r2: sent");
	});

	it("is not sent when the destination names no recipients", async () => {
		await seedDestination(1, { mode: "full" });
		await runAt(1, T0);
		expect((await env.ARCHIVE.list({ prefix: "mail/runs/1-1800000000000" })).objects).toEqual([]);
	});
});

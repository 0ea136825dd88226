// The batch side's log lines (batch/logged-steps.ts, the inbound and outbound Workflows, discovery's
// refusals): every failed attempt of a Workflow step, a delivery that failed or was refused, each with
// the instance, run or delivery it belongs to.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCron, upload } from "./support/inbound";
import { captureLogs } from "./support/log-lines";
import { pair, runAt, seedDestination, seedSegments, traitsChange } from "./support/outbound";

const PARTNER_URL = "https://partner.example/edgesync/upload";
const T0 = 1_800_000_000_000;
const AT = T0 + 600_000;
const RUN = `1-${AT}`;
const INSTANCE = `outbound-${RUN}`;
const VISITOR = "1".repeat(38);
const PARTNER_USER = "partner-user-4711";
const httpsTarget = {
	https: { url: PARTNER_URL, secretHeader: "Authorization", secretBinding: "DELIVERY_PARTNER_POST_TOKEN" },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The partner's endpoint: every POST answered with `status` and `body`. */
function partnerAnswers(status: number, body: string) {
	server.use(http.post(PARTNER_URL, () => new HttpResponse(body, { status })));
}

beforeEach(async () => {
	await seedSegments();
	await pair(PARTNER_USER, VISITOR);
	await traitsChange(T0, { [VISITOR]: { add: [1, 2] } });
});

describe("an outbound target that keeps failing", () => {
	it("logs each failed attempt of its step (warn, the last error and final), then one delivery.failed for the target", async () => {
		partnerAnswers(500, "overloaded, write to ops@partner.example");
		await seedDestination(1, { targets: httpsTarget });
		const log = captureLogs();
		const run = await runAt(1, AT);
		expect(run.status).toBe("failed");
		const refusal = `HTTPS endpoint refused HTTPS_1_1000_iter_${AT}.sync.gz: HTTP 500 overloaded, write to [email]`;
		// One try and SEND_STEP's three retries.
		expect(log.events("workflow.step_failed")).toEqual(
			[1, 2, 3, 4].map((attempt) => ({
				level: attempt < 4 ? "warn" : "error",
				console: attempt < 4 ? "warn" : "error",
				event: "workflow.step_failed",
				workflow: "edgesync-outbound",
				instanceId: INSTANCE,
				step: "send https",
				attempt,
				final: attempt === 4,
				error: refusal,
			})),
		);
		expect(log.events("delivery.failed")).toEqual([
			{
				level: "error",
				console: "error",
				event: "delivery.failed",
				direction: "outbound",
				instanceId: INSTANCE,
				runId: RUN,
				destinationId: 1,
				target: "https",
				error: refusal,
			},
		]);
		// The files' lines (partner user IDs, visitors) never reach a log line.
		expect(log.text()).not.toContain(PARTNER_USER);
		expect(log.text()).not.toContain(VISITOR);
	});

	it("a refusal that no retry can fix (4xx) is final at its first attempt", async () => {
		partnerAnswers(403, "bad token");
		await seedDestination(1, { targets: httpsTarget });
		const log = captureLogs();
		await runAt(1, AT);
		expect(log.events("workflow.step_failed").map((l) => [l.step, l.attempt, l.final, l.level])).toEqual([
			["send https", 1, true, "error"],
		]);
		expect(log.events("delivery.failed")).toEqual([expect.objectContaining({ runId: RUN, target: "https" })]);
	});

	it("a run that fails before sending is one delivery.failed for the whole run", async () => {
		await seedDestination(1, { targets: httpsTarget });
		const log = captureLogs();
		await runAt(1, AT, "errored", async (m) => {
			await m.mockStepError({ name: "plan" }, new Error("D1 is unavailable"));
		});
		expect(log.events("delivery.failed")).toEqual([
			expect.objectContaining({ direction: "outbound", runId: RUN, target: "run", error: "D1 is unavailable" }),
		]);
	});
});

describe("inbound deliveries", () => {
	const T = 1_790_000_000;

	it("a delivery whose Workflow runs out of retries is one delivery.failed with its id and instance", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}`, `${PARTNER_USER}\td_sid=1\n`);
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, `inbound-ftp_dpm_1000_${T}-sync`);
		await instance.modify(async (m) => {
			await m.disableRetryDelays();
			await m.mockStepError({ name: "split part 0" }, new Error("R2 is unavailable"));
		});
		const log = captureLogs();
		await runCron();
		await instance.waitForStatus("errored");
		expect(log.events("delivery.failed")).toEqual([
			{
				level: "error",
				console: "error",
				event: "delivery.failed",
				direction: "inbound",
				instanceId: `inbound-ftp_dpm_1000_${T}-sync`,
				deliveryId: id,
				error: "R2 is unavailable",
			},
		]);
		expect(log.text()).not.toContain(PARTNER_USER);
	});

	it("the inbound Workflow's steps are logged too: a step with the default retries is final after its last one", async () => {
		// A delivery nobody recorded: its first step fails on every attempt, for real.
		const instanceId = "inbound-unrecorded";
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, instanceId);
		await instance.modify(async (m) => m.disableRetryDelays());
		const log = captureLogs();
		await env.INBOUND_WORKFLOW.create({ id: instanceId, params: { deliveryId: "unrecorded.sync" } });
		await instance.waitForStatus("errored");
		const start = log.events("workflow.step_failed").filter((l) => l.step === "start");
		// Workflows' default: 5 retries after the first try.
		expect(start.map((l) => [l.workflow, l.instanceId, l.attempt, l.final, l.error])).toEqual(
			[1, 2, 3, 4, 5, 6].map((attempt) => [
				"edgesync-inbound",
				instanceId,
				attempt,
				attempt === 6,
				"unknown delivery unrecorded.sync",
			]),
		);
		expect(log.events("delivery.failed")).toEqual([
			expect.objectContaining({ direction: "inbound", instanceId, deliveryId: "unrecorded.sync" }),
		]);
	});

	it("files discovery refuses are one delivery.refused line per refusal, with the partner, receipt id and reason", async () => {
		await upload("1000/inbound/not-an-inbound-name.txt", `${PARTNER_USER}\td_sid=1\n`);
		const log = captureLogs();
		await runCron();
		expect(log.events("delivery.refused")).toEqual([
			{
				level: "warn",
				console: "warn",
				event: "delivery.refused",
				direction: "inbound",
				dpid: 1000,
				refusalId: expect.stringMatching(/^not-an-inbound-name\.txt@\d{13}$/),
				files: 1,
				reason: expect.stringMatching(/^name matches neither ftp_dpm_<DPID>/),
			},
		]);
		expect(log.text()).not.toContain(PARTNER_USER);
	});
});

// The cron's phases fail independently: a fault injected into one phase (a real binding, spied on)
// is logged and the pass reports it, while discovery, inbound starts, outbound starts and pruning
// each still do their own work.
import { createScheduledController, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker";
import { upload } from "./support/inbound";
import { captureLogs } from "./support/log-lines";
import { seedDestination, seedSegments } from "./support/outbound";

const DUE = 1_800_000_900_000;
const T = 1_790_000_000;
const WAITING = `ftp_dpm_1000_${T}.sync`; // recorded earlier: the inbound phase starts it
const NEW = `ftp_dpm_1000_${T + 60}.sync`; // uploaded since: discovery records it
// The ids the edge gives them, stated: destination 1's run due at DUE, and the two Workflow instances.
const RUN = "1-1800000900000";
const INBOUND_INSTANCE = "inbound-ftp_dpm_1000_1790000000-sync";
const OUTBOUND_INSTANCE = "outbound-1-1800000900000";

beforeEach(async () => {
	await seedSegments();
	await upload(`1000/inbound/${WAITING}`, "p1\t1\n");
	await env.DB.prepare(
		`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at)
		 VALUES (?1, 1000, 'traits', 'sync', ?2, ?3, 'pending', 1)`,
	)
		.bind(WAITING, T, JSON.stringify([`1000/inbound/${WAITING}`]))
		.run();
	await upload(`1000/inbound/${NEW}`, "p1\t2\n");
	await seedDestination(1, { schedule: "*/15 * * * *" });
	await env.DB.prepare(
		"INSERT INTO destination_state (destination_id, schedule, next_run_at) VALUES (1, '*/15 * * * *', ?1)",
	)
		.bind(DUE)
		.run();
	await env.DB.prepare("INSERT INTO sync_counters VALUES ('2020-01-01', 1000, 'new_pairs', '', 5)").run();
	// An expired dashboard session and an ended failed-credential window, both for the pruning phase.
	await env.DB.prepare(
		"INSERT INTO dashboard_sessions (id, role, credential, created_at, expires_at) VALUES ('old', 'operator', 'x', 1, 2)",
	).run();
	await env.DB.prepare("INSERT INTO auth_failures (client, window_start, failures) VALUES ('192.0.2.1', 1, 3)").run();
});

const status = async (id: string) =>
	(await env.DB.prepare("SELECT status FROM inbound_deliveries WHERE id = ?1").bind(id).first<{ status: string }>())
		?.status ?? null;
const runStatus = async () =>
	(await env.DB.prepare("SELECT status FROM outbound_runs WHERE id = ?1").bind(RUN).first<{ status: string }>())
		?.status ?? null;
const leftToPrune = async () =>
	(
		await env.DB.prepare(
			`SELECT (SELECT count(*) FROM sync_counters WHERE day = '2020-01-01')
			 + (SELECT count(*) FROM dashboard_sessions) + (SELECT count(*) FROM auth_failures) AS n`,
		).first<{ n: number }>()
	)?.n;

/** Makes every statement whose SQL contains `fragment` fail, as a D1 outage of that query would. */
function failStatements(fragment: string) {
	const prepare = env.DB.prepare.bind(env.DB);
	vi.spyOn(env.DB, "prepare").mockImplementation((query) => {
		if (query.includes(fragment)) throw new Error(`D1 refused: ${fragment}`);
		return prepare(query);
	});
}

const FAULTS = {
	discovery: () => failStatements("FROM partners ORDER BY dpid"),
	inbound: () => vi.spyOn(env.INBOUND_WORKFLOW, "create").mockRejectedValue(new Error("Workflows unavailable")),
	outbound: () => vi.spyOn(env.OUTBOUND_WORKFLOW, "create").mockRejectedValue(new Error("Workflows unavailable")),
	pruning: () => failStatements("DELETE FROM sync_counters"),
} as const;

describe.each(Object.keys(FAULTS) as Array<keyof typeof FAULTS>)("a fault in the %s phase", (broken) => {
	it("is logged and reported, and every other phase still does its work", async () => {
		// Instances are watched only where they will be created (a watched instance that never starts errs).
		await using inbound =
			broken === "inbound" ? null : await introspectWorkflowInstance(env.INBOUND_WORKFLOW, INBOUND_INSTANCE);
		await using outbound =
			broken === "outbound" ? null : await introspectWorkflowInstance(env.OUTBOUND_WORKFLOW, OUTBOUND_INSTANCE);
		const log = captureLogs();
		FAULTS[broken]();
		const pass = worker.scheduled(createScheduledController({ scheduledTime: DUE, cron: "* * * * *" }), env);
		await expect(pass).rejects.toThrow(new RegExp(`^cron phases failed \\(the others ran\\): ${broken}: `));
		expect(log.events("cron.phase_failed")).toEqual([
			expect.objectContaining({ level: "error", cron: "* * * * *", scheduledTime: DUE, phase: broken }),
		]);

		// Discovery recorded the new file, unless it was the broken phase.
		expect(await status(NEW)).toBe(broken === "discovery" ? null : "pending");
		// The inbound phase started the waiting delivery; a failed start hands it back to the next pass.
		if (inbound) await inbound.waitForStatus("complete");
		else expect(await status(WAITING)).toBe("pending");
		// The outbound phase started the due run; a failed start is recorded as a failed run.
		if (outbound) await outbound.waitForStatus("complete");
		else expect(await runStatus()).toBe("failed");
		// Pruning removed counters older than 400 days, the expired session and the ended window.
		expect(await leftToPrune()).toBe(broken === "pruning" ? 3 : 0);
	});
});

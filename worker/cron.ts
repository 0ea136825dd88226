import { discoverDeliveries } from "../batch/inbound/discover";
import { startDueDeliveries } from "../batch/inbound/start";
import { pruneListedRemovals, startDueRuns } from "../batch/outbound/runs/start";
import { errorText, logEvent } from "../core/log";
import { pruneAuthFailures } from "./auth/failure-throttle";
import { pruneDashboardSessions } from "./dashboard/store";
import { pruneCounters } from "./stats/aggregate";

/** One part of a cron pass; it may throw without keeping the others from running. */
interface Phase {
	name: string;
	run: () => Promise<string>;
}

/**
 * The Cron Trigger: find new inbound deliveries, start the ones whose turn it is, start due outbound
 * runs, prune old counters, expired dashboard sessions and failed-credential windows (and, hourly, opt-out
 * removals every iter run has listed). The phases fail
 * independently: one that throws (R2 or a Workflow binding having a bad minute, one partner's broken
 * data) is logged and the others still do their work. The pass then throws, so Cloudflare records it
 * as failed.
 */
export async function runSchedule(controller: ScheduledController, env: Env): Promise<void> {
	const now = controller.scheduledTime;
	const phases: Phase[] = [
		{
			name: "discovery",
			run: async () => {
				const found = await discoverDeliveries(env, now);
				const failed = found.failed.length > 0 ? `, failed for DPIDs ${found.failed.join(" ")}` : "";
				return `${found.added.length} new, ${found.rejected.length} refused, ${found.waiting.length} waiting${failed}`;
			},
		},
		{ name: "inbound", run: async () => `${(await startDueDeliveries(env, now)).length} started` },
		{ name: "outbound", run: async () => `${(await startDueRuns(env, now)).length} runs started` },
		{
			name: "pruning",
			run: async () => {
				await pruneCounters(env.DB, now);
				await pruneDashboardSessions(env.DB, now);
				await pruneAuthFailures(env.DB, now);
				return (await pruneListedRemovals(env, now)) ? "done, old opt-out removals too" : "done";
			},
		},
	];
	const failures: string[] = [];
	const lines: string[] = [];
	for (const phase of phases) {
		try {
			lines.push(`${phase.name}: ${await phase.run()}`);
		} catch (err) {
			logEvent("error", {
				event: "cron.phase_failed",
				cron: controller.cron,
				scheduledTime: controller.scheduledTime,
				phase: phase.name,
				error: errorText(err),
			});
			lines.push(`${phase.name}: FAILED`);
			failures.push(`${phase.name}: ${err instanceof Error ? err.message : String(err)}`);
		}
	}
	console.log(`cron ${controller.cron}: ${lines.join("; ")}`);
	if (failures.length > 0) throw new Error(`cron phases failed (the others ran): ${failures.join("; ")}`);
}

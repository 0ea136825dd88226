import { pruneCounters } from "../worker/stats/aggregate";
import { discoverDeliveries } from "./inbound/discover";
import { startDueDeliveries } from "./inbound/start";
import { startDueRuns } from "./outbound/runs/start";

/** The Cron Trigger: find new inbound deliveries, start the ones whose turn it is, start due outbound runs. */
export async function runSchedule(controller: ScheduledController, env: Env): Promise<void> {
	const now = controller.scheduledTime;
	const found = await discoverDeliveries(env, now);
	const started = await startDueDeliveries(env, now);
	const runs = await startDueRuns(env, now);
	await pruneCounters(env.DB, now);
	console.log(
		`cron ${controller.cron}: ${found.added.length} new, ${found.rejected.length} rejected, ${found.waiting.length} settling, ${started.length} started; ${runs.length} outbound runs started`,
	);
}

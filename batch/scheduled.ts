import { discoverDeliveries } from "./inbound/discover";
import { startDueDeliveries } from "./inbound/start";

/** The Cron Trigger: find new inbound deliveries, then start the ones whose turn it is. */
export async function runSchedule(controller: ScheduledController, env: Env): Promise<void> {
	const now = controller.scheduledTime;
	const found = await discoverDeliveries(env, now);
	const started = await startDueDeliveries(env, now);
	console.log(
		`cron ${controller.cron}: ${found.added.length} new, ${found.rejected.length} rejected, ${found.waiting.length} settling, ${started.length} started`,
	);
}

import { createOrAdopt, inboundWorkflowId } from "../workflows";
import { claimDelivery, nextDeliveryPerSource, unclaimDelivery } from "./store";

/**
 * Starts the next delivery of every data source that has nothing running. The claim (pending →
 * running) is a conditional UPDATE, so of two overlapping cron runs only one starts a delivery; the
 * workflow id is derived from the delivery id, so a repeated create cannot start a second instance.
 */
export async function startDueDeliveries(env: Env, now: number): Promise<string[]> {
	const ids = await nextDeliveryPerSource(env.DB);
	const started: string[] = [];
	const failed: string[] = [];
	for (const id of ids) {
		// One delivery that cannot start does not hold back the other data sources' deliveries.
		try {
			if (await start(env, id, now)) started.push(id);
		} catch (err) {
			console.error(`could not start inbound delivery ${id}`, err);
			failed.push(id);
		}
	}
	if (failed.length > 0) throw new Error(`could not start ${failed.join(", ")} (${started.length} started)`);
	return started;
}

async function start(env: Env, id: string, now: number): Promise<boolean> {
	const workflowId = inboundWorkflowId(id);
	if (!(await claimDelivery(env.DB, id, workflowId, now))) return false;
	try {
		// An instance an earlier, interrupted pass already created is adopted: it carries on.
		await createOrAdopt(env.INBOUND_WORKFLOW, workflowId, { deliveryId: id });
	} catch (err) {
		// Without an instance nothing would ever finish it, and its data source would wait forever:
		// hand it back to the next pass.
		await unclaimDelivery(env.DB, id, workflowId);
		throw err;
	}
	return true;
}

import { workflowIdOf } from "./delivery";
import * as sql from "./queries";

/**
 * Starts the next delivery of every data source that has nothing running. The claim (pending →
 * running) is a conditional UPDATE, so of two overlapping cron runs only one starts a delivery; the
 * workflow id is derived from the delivery id, so a repeated create cannot start a second instance.
 */
export async function startDueDeliveries(env: Env, now: number): Promise<string[]> {
	const { results } = await env.DB.prepare(sql.NEXT_PER_SOURCE).all<{ id: string }>();
	const started: string[] = [];
	for (const { id } of results) {
		const workflowId = workflowIdOf(id);
		const claim = await env.DB.prepare(sql.CLAIM).bind(id, workflowId, now).run();
		if (claim.meta.changes !== 1) continue;
		await ensureInstance(env, workflowId, id);
		started.push(id);
	}
	return started;
}

async function ensureInstance(env: Env, workflowId: string, deliveryId: string): Promise<void> {
	try {
		await env.INBOUND_WORKFLOW.create({ id: workflowId, params: { deliveryId } });
	} catch (err) {
		// Already created by an earlier, interrupted run: that instance carries on.
		if (await exists(env, workflowId)) return;
		throw err;
	}
}

async function exists(env: Env, workflowId: string): Promise<boolean> {
	try {
		await env.INBOUND_WORKFLOW.get(workflowId);
		return true;
	} catch {
		return false;
	}
}

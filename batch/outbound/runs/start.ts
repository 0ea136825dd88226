import { nextRunAfter } from "../schedule";
import * as sql from "./queries";

// A run lists membership changes up to a minute before its timestamp: an inbound chunk that started
// writing just before the run began has committed by then, so no change falls between two runs.
export const SETTLE_MS = 60_000;
// Opt-out tombstones outlive any sensible gap between two successful iter runs.
const TOMBSTONE_DAYS = 30;

export type Trigger = "schedule" | "manual";

/**
 * The cron's outbound half: schedules new (or rescheduled) destinations, then starts a run for each
 * destination that is due and has none running. Runs never overlap: see CLAIM_RUN.
 */
export async function startDueRuns(env: Env, now: number): Promise<string[]> {
	const { results } = await env.DB.prepare(sql.DESTINATIONS_WITH_STATE).all<sql.DestinationStateRow>();
	const started: string[] = [];
	const failed: number[] = [];
	for (const d of results) {
		if (d.schedule !== d.current_schedule || d.next_run_at === null) {
			await env.DB.prepare(sql.SET_NEXT_RUN)
				.bind(d.id, d.current_schedule, nextRunAfter(d.current_schedule, now))
				.run();
			continue;
		}
		if (d.running_run !== null || d.next_run_at > now) continue;
		// One destination whose run cannot start does not hold back the others (its failure is recorded).
		try {
			const runId = await claimAndStart(env, d.id, "schedule", now, nextRunAfter(d.current_schedule, now));
			if (runId) started.push(runId);
		} catch (err) {
			console.error(`could not start a run of destination ${d.id}`, err);
			failed.push(d.id);
		}
	}
	await env.DB.prepare(sql.PRUNE_TOMBSTONES)
		.bind(now - TOMBSTONE_DAYS * 86_400_000)
		.run();
	if (failed.length > 0) throw new Error(`could not start runs of destinations ${failed.join(", ")}`);
	return started;
}

/** An operator's "run now": null when a run of this destination is still under way. */
export async function startRunNow(env: Env, destinationId: number, schedule: string, now: number) {
	// A destination that was never scheduled gets its state row first (its next scheduled run stays).
	await env.DB.prepare(sql.ENSURE_STATE).bind(destinationId, schedule, nextRunAfter(schedule, now)).run();
	return claimAndStart(env, destinationId, "manual", now, null);
}

export function runIdOf(destinationId: number, timestamp: number): string {
	return `${destinationId}-${timestamp}`;
}

export function workflowIdOf(runId: string): string {
	return `outbound-${runId}`;
}

async function claimAndStart(
	env: Env,
	destinationId: number,
	trigger: Trigger,
	now: number,
	nextRun: number | null,
): Promise<string | null> {
	const runId = runIdOf(destinationId, now);
	const [claim] = await env.DB.batch([
		env.DB.prepare(sql.CLAIM_RUN).bind(destinationId, runId, now, nextRun, trigger === "schedule" ? 1 : 0),
		env.DB.prepare(sql.INSERT_CLAIMED_RUN).bind(runId, trigger, now, now - SETTLE_MS, now),
	]);
	if (claim?.meta.changes !== 1) return null;
	try {
		await env.OUTBOUND_WORKFLOW.create({ id: workflowIdOf(runId), params: { runId } });
	} catch (err) {
		// Without a workflow nothing would ever free the destination: record the failure and free it now.
		await env.DB.batch([
			env.DB.prepare(sql.FINISH_RUN).bind(runId, "failed", "{}", `could not start: ${String(err)}`, Date.now()),
			env.DB.prepare(sql.RELEASE_RUN).bind(destinationId, runId),
		]);
		throw err;
	}
	return runId;
}

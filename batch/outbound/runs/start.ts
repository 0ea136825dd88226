import { pairStoreOf } from "../../../core/graph/select";
import { InputError } from "../../../core/input-error";
import { createOrAdopt, outboundWorkflowId } from "../../workflows";
import { nextRunAfter, scheduleProblem } from "../schedule";
import type { Trigger } from "./schema";
import { claimRun, ensureState, failUnstartedRun, schedulingStates, setNextRun } from "./store";

// A run lists membership changes up to a minute before its timestamp: an inbound chunk that started
// writing just before the run began has committed by then, so no change falls between two runs.
export const SETTLE_MS = 60_000;
// Opt-out removals outlive any sensible gap between two successful iter runs.
const REMOVALS_KEPT_MS = 30 * 86_400_000;

/**
 * The cron's outbound half: schedules new (or rescheduled) destinations, then starts a run for each
 * destination that is due and has none running. Runs never overlap: see CLAIM_RUN.
 */
export async function startDueRuns(env: Env, now: number): Promise<string[]> {
	const started: string[] = [];
	const failed: number[] = [];
	for (const d of await schedulingStates(env.DB)) {
		const rescheduled = d.schedule !== d.current_schedule || d.next_run_at === null;
		const due = d.next_run_at !== null && d.next_run_at <= now;
		if (!rescheduled && (d.running_run !== null || !due)) continue;
		// A schedule whose next run cannot be computed (one that never fires, saved before such schedules
		// were refused) skips its destination, every pass, with a log line; the others are scheduled as usual.
		const nextRun = nextRunOrSkip(d.id, d.current_schedule, now);
		if (nextRun === null) continue;
		if (rescheduled) {
			await setNextRun(env.DB, d.id, d.current_schedule, nextRun);
			continue;
		}
		// One destination whose run cannot start does not hold back the others (its failure is recorded).
		try {
			const runId = await claimAndStart(env, d.id, "schedule", now, nextRun);
			if (runId) started.push(runId);
		} catch (err) {
			console.error(`could not start a run of destination ${d.id}`, err);
			failed.push(d.id);
		}
	}
	if (failed.length > 0) throw new Error(`could not start runs of destinations ${failed.join(", ")}`);
	return started;
}

/** The destination's next scheduled run, or null (logged) when its schedule cannot give one. */
function nextRunOrSkip(destinationId: number, schedule: string, now: number): number | null {
	try {
		return nextRunAfter(schedule, now);
	} catch (err) {
		console.error(`destination ${destinationId} skipped: its schedule cannot be run (save one that fires)`, err);
		return null;
	}
}

/**
 * Forgets opt-out removals older than every iter run could still need, once an hour (the cron pass of
 * minute 0): on the shards that is a call to every partner-ID shard, too many for every minute.
 * Resolves to whether it pruned.
 */
export async function pruneListedRemovals(env: Env, now: number): Promise<boolean> {
	if (new Date(now).getUTCMinutes() !== 0) return false;
	await pairStoreOf(env).pruneHistory(now - REMOVALS_KEPT_MS);
	return true;
}

/** An operator's "run now": null when a run of this destination is still under way. */
export async function startRunNow(env: Env, destinationId: number, schedule: string, now: number) {
	// Refused (400) rather than failing: a schedule saved before "never fires" was refused has no next run.
	const problem = scheduleProblem(schedule, now);
	if (problem) throw new InputError([`schedule: ${problem}; save a schedule that fires, then run it`]);
	// A destination that was never scheduled gets its state row first (its next scheduled run stays).
	await ensureState(env.DB, destinationId, schedule, nextRunAfter(schedule, now));
	return claimAndStart(env, destinationId, "manual", now, null);
}

/** `<destination id>-<timestamp13>`: the run's start, as in its file names. */
export function runIdOf(destinationId: number, timestamp: number): string {
	return `${destinationId}-${timestamp}`;
}

/** The destination a run id names (the part before its `-`). */
export function destinationOfRun(runId: string): number {
	return Number.parseInt(runId, 10);
}

async function claimAndStart(
	env: Env,
	destinationId: number,
	trigger: Trigger,
	now: number,
	nextRun: number | null,
): Promise<string | null> {
	const runId = runIdOf(destinationId, now);
	const claim = { destinationId, runId, trigger, now, until: now - SETTLE_MS, nextRun };
	if (!(await claimRun(env.DB, claim))) return null;
	try {
		await createOrAdopt(env.OUTBOUND_WORKFLOW, outboundWorkflowId(runId), { runId });
	} catch (err) {
		// Without a workflow nothing would ever free the destination: record the failure and free it now.
		await failUnstartedRun(env.DB, destinationId, runId, `could not start: ${String(err)}`);
		throw err;
	}
	return runId;
}

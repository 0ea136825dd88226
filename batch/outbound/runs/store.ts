import * as sql from "./queries";
import type { Run, RunFile, TargetOutcome, Trigger } from "./schema";

export async function findRun(db: D1Database, id: string): Promise<Run | null> {
	const row = await db.prepare(sql.GET_RUN).bind(id).first<sql.RunRow>();
	return row ? sql.toRun(row) : null;
}

/** Newest first, optionally of one destination and/or one partner. */
export async function listRuns(
	db: D1Database,
	filter: { destinationId?: number | undefined; dpid?: number | undefined },
	limit = 50,
): Promise<Run[]> {
	const { results } = await db
		.prepare(sql.LIST_RUNS)
		.bind(filter.destinationId ?? null, filter.dpid ?? null, limit)
		.all<sql.RunRow>();
	return results.map(sql.toRun);
}

export async function recordFiles(db: D1Database, runId: string, files: readonly RunFile[]): Promise<void> {
	const lines = files.reduce((n, f) => n + f.lines, 0);
	const bytes = files.reduce((n, f) => n + f.bytes, 0);
	await db.prepare(sql.RECORD_FILES).bind(runId, JSON.stringify(files), lines, bytes).run();
}

/** What a run listed: the partner and segments of its plan (ADVANCE_WATERMARK compares them). */
export interface Listed {
	dpid: number;
	segments: readonly number[];
}

/**
 * Ends a run in one transaction: its status and each target's outcome, the destination freed for the
 * next run, and (only when every target took every file, and the destination still lists what the run
 * listed) the iter watermark moved to the run's `until`. A sent run says what it `listed`.
 */
export async function finishRun(
	db: D1Database,
	run: Pick<Run, "id" | "destinationId" | "until"> & { listed: Listed | null },
	end: { status: "sent" | "failed"; outcomes: Record<string, TargetOutcome>; error: string | null },
	now: number,
): Promise<void> {
	const statements = [
		db.prepare(sql.FINISH_RUN).bind(run.id, end.status, JSON.stringify(end.outcomes), end.error, now),
		db.prepare(sql.RELEASE_RUN).bind(run.destinationId, run.id),
	];
	if (end.status === "sent") {
		if (!run.listed) throw new Error(`run ${run.id} was sent without saying what it listed`);
		const { dpid, segments } = run.listed;
		statements.push(
			db.prepare(sql.ADVANCE_WATERMARK).bind(run.destinationId, run.until, run.id, dpid, JSON.stringify(segments)),
		);
	}
	await db.batch(statements);
}

/** Every destination with its scheduling state. */
export async function schedulingStates(db: D1Database): Promise<sql.DestinationStateRow[]> {
	return (await db.prepare(sql.DESTINATIONS_WITH_STATE).all<sql.DestinationStateRow>()).results;
}

export async function setNextRun(db: D1Database, destinationId: number, schedule: string, nextRun: number) {
	await db.prepare(sql.SET_NEXT_RUN).bind(destinationId, schedule, nextRun).run();
}

/** The state row of a destination never scheduled yet; an existing one (and its next run) stays. */
export async function ensureState(db: D1Database, destinationId: number, schedule: string, nextRun: number) {
	await db.prepare(sql.ENSURE_STATE).bind(destinationId, schedule, nextRun).run();
}

/**
 * Claims the destination for run `runId` and records the run, in one transaction; false when another
 * run holds it (or, for `schedule`, when it is not due yet). `nextRun` null keeps the next scheduled run.
 */
export async function claimRun(
	db: D1Database,
	claim: { destinationId: number; runId: string; trigger: Trigger; now: number; until: number; nextRun: number | null },
): Promise<boolean> {
	const onlyWhenDue = claim.trigger === "schedule" ? 1 : 0;
	const [claimed] = await db.batch([
		db.prepare(sql.CLAIM_RUN).bind(claim.destinationId, claim.runId, claim.now, claim.nextRun, onlyWhenDue),
		db.prepare(sql.INSERT_CLAIMED_RUN).bind(claim.runId, claim.trigger, claim.now, claim.until, claim.now),
	]);
	return claimed?.meta.changes === 1;
}

/** A claimed run whose Workflow could not be started: recorded as failed, the destination freed. */
export async function failUnstartedRun(db: D1Database, destinationId: number, runId: string, error: string) {
	await db.batch([
		db.prepare(sql.FINISH_RUN).bind(runId, "failed", "{}", error, Date.now()),
		db.prepare(sql.RELEASE_RUN).bind(destinationId, runId),
	]);
}

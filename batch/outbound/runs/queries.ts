import { listsStill } from "../destinations/queries";
import type { Mode } from "../destinations/schema";
import { type Run, RunSchema, type RunStatus, type Trigger } from "./schema";

// SQL of outbound runs: scheduling state and run records (member listings are the graph store's).
// Times are Unix ms.

/** Every destination with its scheduling state (NULL columns when it has never been scheduled). */
export const DESTINATIONS_WITH_STATE = `SELECT d.id, d.schedule AS current_schedule, s.schedule, s.next_run_at, s.running_run
FROM destinations d LEFT JOIN destination_state s ON s.destination_id = d.id ORDER BY d.id`;
export interface DestinationStateRow {
	id: number;
	current_schedule: string;
	schedule: string | null;
	next_run_at: number | null;
	running_run: string | null;
}

/** ?1 destination, ?2 schedule, ?3 next run. A new or rescheduled destination; a running run is kept. */
export const SET_NEXT_RUN = `INSERT INTO destination_state (destination_id, schedule, next_run_at) VALUES (?1, ?2, ?3)
ON CONFLICT (destination_id) DO UPDATE SET schedule = ?2, next_run_at = ?3`;

/** ?1 destination, ?2 schedule, ?3 next run: the state row of a destination never scheduled yet. */
export const ENSURE_STATE = `INSERT INTO destination_state (destination_id, schedule, next_run_at) VALUES (?1, ?2, ?3)
ON CONFLICT (destination_id) DO NOTHING`;

/**
 * ?1 destination, ?2 run id, ?3 now, ?4 next run (NULL keeps the current one), ?5 1 = only when due.
 * The one place runs are claimed: of two overlapping crons or clicks, only one gets changes = 1.
 */
export const CLAIM_RUN = `UPDATE destination_state SET running_run = ?2, next_run_at = coalesce(?4, next_run_at)
WHERE destination_id = ?1 AND running_run IS NULL AND (?5 = 0 OR next_run_at <= ?3)`;

/**
 * ?1 run id, ?2 trigger, ?3 timestamp, ?4 until, ?5 now. Inserted only if the claim above succeeded (a
 * second cron at the same instant computes the same run id: its claim fails and this does nothing).
 */
export const INSERT_CLAIMED_RUN = `INSERT INTO outbound_runs
	(id, destination_id, dpid, mode, trigger, timestamp, since, until, status, started_at)
SELECT ?1, d.id, d.dpid, d.mode, ?2, ?3, CASE d.mode WHEN 'iter' THEN s.sent_until ELSE 0 END, ?4, 'running', ?5
FROM destination_state s JOIN destinations d ON d.id = s.destination_id WHERE s.running_run = ?1
ON CONFLICT (id) DO NOTHING`;

/** ?1 destination, ?2 run id: frees the destination for its next run. */
export const RELEASE_RUN =
	"UPDATE destination_state SET running_run = NULL WHERE destination_id = ?1 AND running_run = ?2";

/**
 * ?1 destination, ?2 until, ?3 run id, ?4 the dpid and ?5 the segments JSON the run listed. The iter
 * watermark moves on only after a run was sent everywhere, and only if the destination was not given
 * another partner or set of segments while the run was under way: that change reset the watermark
 * (RESET_WATERMARK_IF_LISTING_CHANGES), and an iter run claimed before it (its `since` is no longer the
 * watermark) or planned before it (it listed other members) must not undo the reset.
 */
export const ADVANCE_WATERMARK = `UPDATE destination_state SET sent_until = max(sent_until, ?2)
WHERE destination_id = ?1
	AND EXISTS (SELECT 1 FROM outbound_runs r WHERE r.id = ?3 AND (r.mode = 'full' OR r.since = destination_state.sent_until))
	AND ${listsStill("?1", "?4", "?5")}`;

const RUN_COLUMNS = `id, destination_id, dpid, mode, trigger, timestamp, since, until, status, files, lines, bytes,
	outcomes, error, started_at, finished_at`;
export interface RunRow {
	id: string;
	destination_id: number;
	dpid: number;
	mode: Mode;
	trigger: Trigger;
	/** Unix ms, the TIMESTAMP13 of the run's file names. */
	timestamp: number;
	since: number;
	until: number;
	status: RunStatus;
	/** JSON: the .info file's `files` entries. */
	files: string;
	lines: number;
	bytes: number;
	/** JSON: each target's outcome by name. */
	outcomes: string;
	error: string | null;
	started_at: number;
	finished_at: number | null;
}
export const GET_RUN = `SELECT ${RUN_COLUMNS} FROM outbound_runs WHERE id = ?1`;
/** ?1 destination or NULL, ?2 partner or NULL, ?3 most rows: newest first. */
export const LIST_RUNS = `SELECT ${RUN_COLUMNS} FROM outbound_runs
WHERE (?1 IS NULL OR destination_id = ?1) AND (?2 IS NULL OR dpid = ?2)
ORDER BY started_at DESC LIMIT ?3`;

/** ?1 run, ?2 files JSON, ?3 lines, ?4 bytes: what was written to R2. */
export const RECORD_FILES = "UPDATE outbound_runs SET files = ?2, lines = ?3, bytes = ?4 WHERE id = ?1";
/** ?1 run, ?2 status, ?3 outcomes JSON, ?4 error, ?5 finished at. */
export const FINISH_RUN = `UPDATE outbound_runs SET status = ?2, outcomes = ?3, error = ?4, finished_at = ?5
WHERE id = ?1 AND status = 'running'`;

export function toRun(row: RunRow): Run {
	const files = JSON.parse(row.files) as Array<{ unwritableIds?: number }>;
	return RunSchema.parse({
		id: row.id,
		destinationId: row.destination_id,
		dpid: row.dpid,
		mode: row.mode,
		trigger: row.trigger,
		timestamp: row.timestamp,
		since: row.since,
		until: row.until,
		status: row.status,
		files,
		lines: row.lines,
		bytes: row.bytes,
		unwritableIds: files.reduce((n, f) => n + (f.unwritableIds ?? 0), 0),
		outcomes: outcomesOf(row.outcomes),
		error: row.error,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		durationMs: row.finished_at === null ? null : row.finished_at - row.started_at,
	});
}

// Runs recorded before migration 0010 keep their outcomes' JSON as written, where a target that took
// every file says "delivered": read as "sent".
const SENT_BEFORE_0010 = "delivered";

function outcomesOf(json: string): Record<string, unknown> {
	const stored = JSON.parse(json) as Record<string, { status?: unknown }>;
	return Object.fromEntries(
		Object.entries(stored).map(([kind, o]) => [kind, o.status === SENT_BEFORE_0010 ? { ...o, status: "sent" } : o]),
	);
}

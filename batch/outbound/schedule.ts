import { Cron } from "croner";

/**
 * Why a schedule is not a five-field cron expression that fires, or null when it is one. A schedule
 * that parses but matches no date ("0 0 31 2 *") is refused too: `nextRunAfter` could never schedule it.
 */
export function scheduleProblem(schedule: string, now: number = Date.now()): string | null {
	const fields = schedule.trim().split(/\s+/);
	if (fields.length !== 5)
		return "must be a five-field cron expression (minute hour day month weekday), e.g. 0 3 * * *";
	let next: number | null;
	try {
		next = nextRunOf(fields.join(" "), now);
	} catch (err) {
		return err instanceof Error ? err.message : String(err);
	}
	if (next === null)
		return "never fires: no date has that day of the month in those months (e.g. 31 2, 30 2 or 31 4), so it would never run";
	return null;
}

/**
 * The first time strictly after `after` (Unix ms) that the schedule fires, in UTC. Throws for a schedule
 * that `scheduleProblem` refuses (a destination stored before it refused "never fires" may hold one).
 */
export function nextRunAfter(schedule: string, after: number): number {
	const next = nextRunOf(schedule, after);
	// A valid five-field expression that matches some date always fires again (even "0 0 29 2 *", within
	// eight years).
	if (next === null) throw new Error(`schedule "${schedule}" never fires after ${new Date(after).toISOString()}`);
	return next;
}

/** The one next-run computation both use: null when the schedule never fires after `after`. */
function nextRunOf(schedule: string, after: number): number | null {
	const next = new Cron(schedule.trim().split(/\s+/).join(" "), { paused: true, timezone: "UTC" }).nextRun(
		new Date(after),
	);
	return next ? next.getTime() : null;
}

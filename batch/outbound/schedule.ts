import { Cron } from "croner";

/** Why a schedule is not a five-field cron expression, or null when it is one. */
export function scheduleProblem(schedule: string): string | null {
	const fields = schedule.trim().split(/\s+/);
	if (fields.length !== 5)
		return "must be a five-field cron expression (minute hour day month weekday), e.g. 0 3 * * *";
	try {
		new Cron(fields.join(" "), { paused: true, timezone: "UTC" });
		return null;
	} catch (err) {
		return err instanceof Error ? err.message : String(err);
	}
}

/** The first time strictly after `after` (Unix ms) that the schedule fires, in UTC. */
export function nextRunAfter(schedule: string, after: number): number {
	const next = new Cron(schedule, { paused: true, timezone: "UTC" }).nextRun(new Date(after));
	// A valid five-field expression always fires again (even "0 0 29 2 *" within eight years).
	if (!next) throw new Error(`schedule "${schedule}" never fires after ${new Date(after).toISOString()}`);
	return next.getTime();
}

import type { LogEvent, LogLevel } from "./events";
import { scrub } from "./scrub";

export type { LogEvent, LogLevel } from "./events";
export { errorText, scrub } from "./scrub";

/** Free-text fields, scrubbed once more here so no call site can forget it. */
const FREE_TEXT = ["reason", "error"] as const;

/**
 * Writes one event as one JSON line, which Workers Logs indexes field by field. The console method
 * follows the level (Workers Logs records it as the line's own level too): info → log, warn → warn,
 * error → error.
 */
export function logEvent(level: LogLevel, event: LogEvent): void {
	const line: Record<string, unknown> = { level, ...event };
	for (const field of FREE_TEXT) {
		const value = line[field];
		if (typeof value === "string") line[field] = scrub(value);
	}
	const text = JSON.stringify(line);
	if (level === "error") console.error(text);
	else if (level === "warn") console.warn(text);
	else console.log(text);
}

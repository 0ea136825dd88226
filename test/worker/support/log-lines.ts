import { vi } from "vitest";

/** One log line as Workers Logs indexes it, with the console method that wrote it. */
type EventLine = Record<string, unknown> & { event: string; level: string };
export type LogLine = EventLine & { console: "log" | "warn" | "error" };

/**
 * Captures what the edge writes to the console from now until the test ends (vitest restores the spies):
 * the JSON event lines, parsed, and every line's raw text (to prove what is absent from all of them).
 */
export function captureLogs() {
	const lines: LogLine[] = [];
	const raw: string[] = [];
	for (const method of ["log", "warn", "error"] as const) {
		vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			const text = args
				.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.stack}` : JSON.stringify(a)))
				.join(" ");
			raw.push(text);
			const parsed = parseEvent(text);
			if (parsed) lines.push({ ...parsed, console: method });
		});
	}
	return {
		/** The lines of one event, in the order written. */
		events: (event: string) => lines.filter((l) => l.event === event),
		/** Everything written, one string. */
		text: () => raw.join("\n"),
	};
}

function parseEvent(text: string): EventLine | null {
	if (!text.startsWith("{")) return null;
	const value: unknown = JSON.parse(text);
	if (typeof value !== "object" || value === null || !("event" in value)) return null;
	return value as EventLine;
}

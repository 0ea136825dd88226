// How long each step of a Workflow instance took, read from the local Workflow engine's own store: it
// keeps every step's events with their times in one SQLite file per instance
// (`v3/workflows/miniflare-workflows-<workflow>/<instance>.sqlite`, table `states`), so a bench can say
// where a delivery's time went without a profiler.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "./proc.ts";

export interface StepTime {
	step: string;
	seconds: number;
}

/** The steps of the instance started with `params` (as its first event holds them), in the order run. */
export function stepTimes(persist: string, workflow: string, params: Record<string, unknown>): StepTime[] {
	const dir = join(persist, "v3", "workflows", `miniflare-workflows-${workflow}`);
	if (!existsSync(dir)) return [];
	const wanted = JSON.stringify(params);
	for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
		const db = join(dir, file);
		const [first] = JSON.parse(
			run("sqlite3", ["-readonly", "-json", db, "SELECT metadata FROM states WHERE id = 1"]) || "[]",
		);
		if (JSON.stringify(JSON.parse(first?.metadata ?? "{}").params) !== wanted) continue;
		const rows: Array<{ step: string; seconds: number }> = JSON.parse(
			run("sqlite3", [
				"-readonly",
				"-json",
				db,
				`SELECT target AS step, (julianday(max(timestamp)) - julianday(min(timestamp))) * 86400 AS seconds
				 FROM states WHERE target IS NOT NULL GROUP BY target ORDER BY min(id)`,
			]) || "[]",
		);
		// The engine names a step `<name>-<n>`, n counting the steps of that name.
		return rows.map((r) => ({ step: r.step.replace(/-1$/, ""), seconds: r.seconds }));
	}
	return [];
}

/**
 * One line: the split steps summed, the group steps' count, shortest and longest (and their trend), the
 * rest summed.
 */
export function describeSteps(steps: readonly StepTime[]): string {
	if (steps.length === 0) return "no step times found";
	const of = (prefix: string) => steps.filter((s) => s.step.startsWith(prefix)).map((s) => s.seconds);
	const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
	const splits = of("split part");
	const groups = of("apply group");
	const rest = sum(steps.map((s) => s.seconds)) - sum(splits) - sum(groups);
	const range = (xs: number[]) =>
		xs.length === 0 ? "none" : `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} s each`;
	return `split ${sum(splits).toFixed(1)} s (${splits.length} step(s)); ${groups.length} group steps, ${range(groups)}${trend(groups)}; the rest ${rest.toFixed(1)} s`;
}

/**
 * With ten steps or more, the mean of the first fifth and of the last (in the order started): whether a
 * delivery's group steps get slower as the shards fill.
 */
function trend(xs: readonly number[]): string {
	if (xs.length < 10) return "";
	const fifth = Math.floor(xs.length / 5);
	const mean = (part: readonly number[]) => part.reduce((a, b) => a + b, 0) / part.length;
	return `, first fifth ${mean(xs.slice(0, fifth)).toFixed(1)} s and last fifth ${mean(xs.slice(-fifth)).toFixed(1)} s on average`;
}

/**
 * One line for any Workflow: steps of the same name but their numbers (`write file 3 part 2`) summed,
 * in the order first run, each with its count and longest when there are several.
 */
export function describeStepKinds(steps: readonly StepTime[]): string {
	if (steps.length === 0) return "no step times found";
	const kinds = new Map<string, number[]>();
	for (const s of steps) {
		const kind = s.step.replace(/\d+/g, "N");
		kinds.set(kind, [...(kinds.get(kind) ?? []), s.seconds]);
	}
	return [...kinds]
		.map(([kind, xs]) => {
			const sum = xs.reduce((a, b) => a + b, 0).toFixed(1);
			return xs.length === 1
				? `${kind} ${sum} s`
				: `${kind} ${sum} s (×${xs.length}, longest ${Math.max(...xs).toFixed(1)})`;
		})
		.join("; ");
}

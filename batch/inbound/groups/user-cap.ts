import { MAX_LINES_PER_USER } from "../../../core/inbound-limits";
import { addSample, PROBLEM_TEXT, SAMPLES_PER_KIND, type Tally } from "../parse";

/** A group's lines past the per-user cap: how many, and the lowest line numbers (the receipt's samples). */
export interface LinesOverCap {
	count: number;
	earliest: number[];
}

export interface UserLineCap {
	/** True for a user's first `perUser` lines, met in file order; false (and counted) after. */
	keep(line: { n: number; u: string }): boolean;
	readonly over: LinesOverCap;
}

/**
 * The 200-lines rule (SPEC §5) applied while a group is read, so a user's lines past it are never held:
 * one user with millions of lines (an all-zero ad ID, say) lands in one group, whose lines would not fit
 * in the step's memory. What is kept is at most `perUser` lines for each of the group's users.
 */
export function userLineCap(perUser = MAX_LINES_PER_USER): UserLineCap {
	const seen = new Map<string, number>();
	const over: LinesOverCap = { count: 0, earliest: [] };
	return {
		over,
		keep({ n, u }) {
			const lines = (seen.get(u) ?? 0) + 1;
			seen.set(u, lines);
			if (lines <= perUser) return true;
			over.count++;
			if (over.earliest.length < SAMPLES_PER_KIND || n < (over.earliest.at(-1) ?? 0)) {
				over.earliest.push(n);
				over.earliest.sort((a, b) => a - b);
				over.earliest.length = Math.min(over.earliest.length, SAMPLES_PER_KIND);
			}
			return false;
		},
	};
}

/** Counts the lines left out as the decision counts one it meets: received, and a format error. */
export function countLinesOverCap(tally: Tally, over: LinesOverCap): void {
	if (over.count === 0) return;
	tally.counts.recordsReceived += over.count;
	tally.counts.formatErrors += over.count;
	tally.problems.too_many_lines_for_user = (tally.problems.too_many_lines_for_user ?? 0) + over.count;
	for (const line of over.earliest) {
		addSample(tally, "formatErrors", { line, why: PROBLEM_TEXT.too_many_lines_for_user });
	}
}

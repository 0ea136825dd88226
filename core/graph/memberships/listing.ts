import type { MemberRow } from "./types";

/**
 * Keeps the rows of the partner IDs whose iter line may have changed in (since, until]: paired in the
 * window, or holding a membership entered or left in it. Both stores filter their iter listings with it,
 * so they list the same IDs whatever each read to find them.
 */
export function changedInWindow(rows: readonly MemberRow[], since: number, until: number): MemberRow[] {
	const inWindow = (t: number | null) => t !== null && t > since && t <= until;
	const changed = new Set<string>();
	for (const r of rows) {
		if (inWindow(r.since) || inWindow(r.entered_at) || inWindow(r.left_at)) changed.add(r.dpuuid);
	}
	return rows.filter((r) => changed.has(r.dpuuid));
}

import { settingsOf } from "../config/settings";
import * as sql from "./queries";

// Set once this isolate has seen that the configured store does not strand a graph in D1 (a finished
// value, never a promise shared between requests).
let checked = false;

/**
 * Refuses to serve (throws, naming the fix) when GRAPH_STORE=shards while D1 still holds a graph that no
 * copy has moved: an upgraded deployment that took the new default would otherwise read an empty graph,
 * and forget its visitors' opt-outs. Asked once per isolate; "d1", "d1+shards" and "shards+d1" (the
 * migration's steps) are never refused.
 */
export async function refuseStrandedGraph(env: Env): Promise<void> {
	if (checked) return;
	if (settingsOf(env).graphStore === "shards") {
		const row = await env.DB.prepare(sql.STRANDED_GRAPH).first<sql.StrandedGraphRow>();
		if (row?.held && !row.copied) {
			throw new Error(
				'edgesync refuses to run: GRAPH_STORE is "shards" but the ID graph is in D1 and no copy into the shards has completed: keep GRAPH_STORE = "d1" (or "d1+shards") and copy it first (docs/storage.md "Migrating to the shards")',
			);
		}
	}
	checked = true;
}

/** Tests: the next call asks again. */
export function forgetStrandedCheck(): void {
	checked = false;
}

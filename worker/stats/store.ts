import * as sql from "./queries";

/** Functions over the stats area's statements (worker/stats/queries.ts). */

/** Counter rows of a window and the receipts' and runs' figures since its first day, in one round trip. */
export async function statsRows(db: D1Database, w: { from: string; to: string; since: number; dpid: number | null }) {
	const [counters, matches, inbound, outbound] = await db.batch<unknown>([
		db.prepare(sql.COUNTERS_BETWEEN).bind(w.from, w.to, w.dpid),
		db.prepare(sql.MATCH_RATES).bind(w.since, w.dpid),
		db.prepare(sql.INBOUND_BY_STATUS).bind(w.since, w.dpid),
		db.prepare(sql.OUTBOUND_BY_STATUS).bind(w.since, w.dpid),
	]);
	return {
		counters: rowsOf<sql.CounterRow>(counters),
		matches: rowsOf<sql.MatchRow>(matches),
		inbound: rowsOf<sql.StatusRow>(inbound),
		outbound: rowsOf<sql.StatusRow>(outbound),
	};
}

/** D1's batch is typed per call, not per statement: each result is cast to the row type of its query. */
function rowsOf<Row>(result: D1Result<unknown> | undefined): Row[] {
	return (result?.results ?? []) as Row[];
}

/** Adds counters (one JSON value) to the daily roll-ups. */
export async function addCounterRows(db: D1Database, countersJson: string): Promise<void> {
	await db.prepare(sql.ADD_COUNTERS).bind(countersJson).run();
}

/** Deletes the roll-ups of days before `day` (YYYY-MM-DD). */
export async function deleteCountersBefore(db: D1Database, day: string): Promise<void> {
	await db.prepare(sql.PRUNE_COUNTERS).bind(day).run();
}

/** The newest inbound deliveries (of one partner, or all), with the headline counts of their receipts. */
export async function recentInbound(db: D1Database, dpid: number | null, limit: number) {
	const { results } = await db.prepare(sql.RECENT_INBOUND).bind(dpid, limit).all<sql.RecentInboundRow>();
	return results.map((r) => {
		const valid = r.records === null ? null : r.records - (r.format_errors ?? 0) - (r.invalid_ids ?? 0);
		return {
			id: r.id,
			dpid: r.dpid,
			status: r.status,
			discoveredAt: r.discovered_at,
			finishedAt: r.finished_at,
			records: r.records,
			matchRate: valid === null || valid <= 0 ? null : (valid - (r.unmatched ?? 0)) / valid,
		};
	});
}
export type RecentInbound = Awaited<ReturnType<typeof recentInbound>>[number];

/** The newest outbound runs (of one partner, or all). */
export async function recentOutbound(db: D1Database, dpid: number | null, limit: number) {
	const { results } = await db.prepare(sql.RECENT_OUTBOUND).bind(dpid, limit).all<sql.RecentOutboundRow>();
	return results.map((r) => ({
		id: r.id,
		destinationId: r.destination_id,
		dpid: r.dpid,
		mode: r.mode,
		trigger: r.trigger,
		status: r.status,
		lines: r.lines,
		bytes: r.bytes,
		error: r.error,
		startedAt: r.started_at,
		finishedAt: r.finished_at,
	}));
}
export type RecentOutbound = Awaited<ReturnType<typeof recentOutbound>>[number];

import * as sql from "./queries";

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

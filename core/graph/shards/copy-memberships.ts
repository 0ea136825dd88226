import * as sql from "../queries";
import { visitorBucket } from "./bucket";
import type { ShardNamespaces } from "./namespaces";
import { groupByShard, type ShardMap } from "./shard-map";
import type { CopiedMemberships } from "./visitor-memberships";

/** Where a membership phase of the copy stopped: the last (visitor, trait or segment id) copied. */
export interface MembershipCursor {
	uuid: string;
	id: number;
}

/**
 * Copies one page of D1's trait memberships or segment rows into the visitor shards, in the order of
 * the visitor's key. A row already in a shard came from a dual write and stays, so a repeat changes
 * nothing.
 */
export async function copyMembershipPage(
	db: D1Database,
	ns: ShardNamespaces,
	map: ShardMap,
	phase: "traits" | "segments",
	after: MembershipCursor,
	limit: number,
): Promise<Array<{ uuid: string; id: number }>> {
	if (phase === "traits") {
		const page = db.prepare(sql.TRAITS_PAGE).bind(after.uuid, after.id, limit);
		const { results } = await page.all<sql.TraitPageRow>();
		await send(ns, map, results, (rows) => ({
			traits: rows.map((r) => ({ uuid: r.uuid, traitId: r.id, dpid: r.dpid, realizedAt: r.realized_at })),
		}));
		return results;
	}
	const page = db.prepare(sql.SEGMENT_ROWS_PAGE).bind(after.uuid, after.id, limit);
	const { results } = await page.all<sql.SegmentPageRow>();
	await send(ns, map, results, (rows) => ({
		segments: rows.map((r) => ({ uuid: r.uuid, segmentId: r.id, enteredAt: r.entered_at, leftAt: r.left_at })),
	}));
	return results;
}

async function send<R extends { uuid: string }>(
	ns: ShardNamespaces,
	map: ShardMap,
	rows: readonly R[],
	shape: (rows: R[]) => CopiedMemberships,
): Promise<void> {
	const groups = groupByShard(map.visitor, rows, (r) => visitorBucket(r.uuid));
	await Promise.all([...groups].map(([name, part]) => ns.visitors.getByName(name).importMemberships(shape(part))));
}

import * as sql from "../queries";
import { partnerIdBucket, visitorBucket } from "./bucket";
import { copyMembershipPage, type MembershipCursor } from "./copy-memberships";
import { mirrorChanges } from "./mirror";
import type { ShardNamespaces } from "./namespaces";
import { groupByShard, type ShardMap, shardName } from "./shard-map";
import type { PartnerIdKey } from "./types";

/** The tables the graph copy walks, in this order: opt-outs before the pairs and traits they block. */
export const COPY_PHASES = ["opt_outs", "partner_opt_outs", "tombstones", "pairs", "traits", "segments"] as const;
export type CopyPhase = (typeof COPY_PHASES)[number];

/** Where a phase stopped: the last key copied (a uuid, a partner ID, or a visitor's trait or segment). */
export type CopyCursor = { uuid: string } | PartnerIdKey | MembershipCursor;
export interface CopyPage {
	copied: number;
	/** null when the phase is done. */
	next: CopyCursor | null;
}

const START_KEY = { dpid: 0, dpuuid: "" };

/**
 * Copies one page of one D1 graph table into the shards. Every write is a merge that a repeat or a
 * dual write already there cannot make worse, so a page retried after a failure copies nothing twice.
 */
export async function copyPage(
	db: D1Database,
	ns: ShardNamespaces,
	map: ShardMap,
	phase: CopyPhase,
	after: CopyCursor | null,
	limit: number,
): Promise<CopyPage> {
	const key = after && "dpid" in after ? after : START_KEY;
	const partnerStub = (name: string) => ns.partnerIds.getByName(name);
	const byPartnerShard = <T extends PartnerIdKey>(rows: readonly T[]) =>
		groupByShard(map.partnerId, rows, (r) => partnerIdBucket(r.dpid, r.dpuuid));
	if (phase === "traits" || phase === "segments") {
		const from = after && "id" in after ? after : { uuid: "", id: 0 };
		const rows = await copyMembershipPage(db, ns, map, phase, from, limit);
		return page(rows, limit, (r) => ({ uuid: r.uuid, id: r.id }));
	}
	if (phase === "opt_outs") {
		const uuid = after && "uuid" in after ? after.uuid : "";
		const { results } = await db.prepare(sql.OPT_OUTS_PAGE).bind(uuid, limit).all<sql.OptOutPageRow>();
		const groups = groupByShard(map.visitor, results, (r) => visitorBucket(r.uuid));
		await Promise.all(
			[...groups].map(([name, rows]) =>
				ns.visitors.getByName(name).importOptOuts(rows.map((r) => ({ uuid: r.uuid, optedOutAt: r.opted_out_at }))),
			),
		);
		return page(results, limit, (r) => ({ uuid: r.uuid }));
	}
	if (phase === "partner_opt_outs") {
		const { results } = await db
			.prepare(sql.PARTNER_OPT_OUTS_PAGE)
			.bind(key.dpid, key.dpuuid, limit)
			.all<sql.PartnerOptOutPageRow>();
		await Promise.all(
			[...byPartnerShard(results)].map(([name, rows]) =>
				partnerStub(name).importRows({
					optOuts: rows.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid, optedOutAt: r.opted_out_at })),
				}),
			),
		);
		return page(results, limit, (r) => ({ dpid: r.dpid, dpuuid: r.dpuuid }));
	}
	if (phase === "tombstones") {
		const { results } = await db
			.prepare(sql.TOMBSTONES_PAGE)
			.bind(key.dpid, key.dpuuid, limit)
			.all<sql.TombstonePageRow>();
		await Promise.all(
			[...byPartnerShard(results)].map(([name, rows]) =>
				partnerStub(name).importRows({
					tombstones: rows.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid, uuid: r.uuid, removedAt: r.removed_at })),
				}),
			),
		);
		return page(results, limit, (r) => ({ dpid: r.dpid, dpuuid: r.dpuuid }));
	}
	const { results } = await db.prepare(sql.PAIRS_PAGE).bind(key.dpid, key.dpuuid, limit).all<sql.PairPageRow>();
	const changes = await Promise.all(
		[...byPartnerShard(results)].map(([name, rows]) =>
			partnerStub(name).importRows({
				mappings: rows.map((r) => ({
					dpid: r.dpid,
					dpuuid: r.dpuuid,
					uuid: r.uuid,
					firstSeen: r.first_seen,
					lastSeen: r.last_seen,
					pairedAt: r.paired_at,
				})),
			}),
		),
	);
	await mirrorChanges(changes.flat(), Date.now(), {
		visitor: (uuid) => ns.visitors.getByName(shardName(map.visitor, visitorBucket(uuid))),
		partner: (dpid, dpuuid) => partnerStub(shardName(map.partnerId, partnerIdBucket(dpid, dpuuid))),
	});
	return page(results, limit, (r) => ({ dpid: r.dpid, dpuuid: r.dpuuid }));
}

function page<R>(rows: readonly R[], limit: number, keyOf: (row: R) => CopyCursor): CopyPage {
	const last = rows.at(-1);
	return { copied: rows.length, next: rows.length === limit && last ? keyOf(last) : null };
}

export interface GraphCounts {
	pairs: number;
	optOuts: number;
	partnerOptOuts: number;
	traits: number;
	segmentRows: number;
}

/** D1's counts beside the shards' (pairs as the partner-ID shards and as the visitor shards hold them). */
export async function compareCounts(db: D1Database, ns: ShardNamespaces, map: ShardMap) {
	const row = await db.prepare(sql.GRAPH_COUNTS).first<sql.GraphCountsRow>();
	const [visitors, partners, held] = await Promise.all([
		Promise.all(map.visitor.names.map((n) => ns.visitors.getByName(n).size())),
		Promise.all(map.partnerId.names.map((n) => ns.partnerIds.getByName(n).size())),
		Promise.all(map.visitor.names.map((n) => ns.visitors.getByName(n).membershipCounts())),
	]);
	const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
	const d1: GraphCounts = {
		pairs: row?.pairs ?? 0,
		optOuts: row?.opt_outs ?? 0,
		partnerOptOuts: row?.partner_opt_outs ?? 0,
		traits: row?.traits ?? 0,
		segmentRows: row?.segment_rows ?? 0,
	};
	const shards = {
		pairs: sum(partners.map((s) => s.rows)),
		visitorPairs: sum(visitors.map((s) => s.rows)),
		optOuts: sum(visitors.map((s) => s.optOuts)),
		partnerOptOuts: sum(partners.map((s) => s.optOuts)),
		traits: sum(held.map((h) => h.traits)),
		segmentRows: sum(held.map((h) => h.segmentRows)),
	};
	const complete =
		d1.pairs === shards.pairs &&
		d1.pairs === shards.visitorPairs &&
		d1.optOuts === shards.optOuts &&
		d1.partnerOptOuts === shards.partnerOptOuts &&
		d1.traits === shards.traits &&
		d1.segmentRows === shards.segmentRows;
	return { d1, shards, complete };
}

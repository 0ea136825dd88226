import { allInSlices, slices } from "../db/json-each";
import { d1Memberships } from "./memberships/d1-memberships";
import type { PairEvent } from "./pair-event";
import * as sql from "./queries";
import { emptyUpsertResult, partnerIdRecordOf, type VisitorRecord } from "./records";
import type { PairStore } from "./store";

/**
 * The ID graph in the one D1 database: the reference implementation (the differential test holds the
 * sharded store to its answers) and the store of a deployment that has not moved to shards.
 */
export function d1PairStore(db: D1Database): PairStore {
	return {
		...d1Memberships(db),
		async upsert(events, now = Date.now()) {
			if (events.length === 0) return emptyUpsertResult();
			// One batch = one transaction: what is refused, what is new and the write see the same graph.
			const json = sql.eventsJson(events);
			const [refused, fresh] = await db.batch<sql.RefusedPositionRow | sql.PositionRow>([
				db.prepare(sql.OPTED_OUT_POSITIONS).bind(json),
				db.prepare(sql.NEW_POSITIONS).bind(json),
				...pairUpsertStatements(db, events, now),
			]);
			const refusedRows = (refused?.results ?? []) as sql.RefusedPositionRow[];
			const refusedAt = new Set(refusedRows.map((r) => r.position));
			const optedOutVisitors = new Set<string>();
			for (const r of refusedRows) {
				const event = events[r.position];
				if (r.visitor === 1 && event) optedOutVisitors.add(event.uuid);
			}
			return {
				kept: events.filter((_, i) => !refusedAt.has(i)),
				created: firstPerKey(events, fresh?.results ?? []),
				optedOutVisitors,
			};
		},
		async visitor(uuid) {
			const [optedOut, pairs] = await db.batch([
				db.prepare(sql.OPTED_OUT_AT).bind(uuid),
				db.prepare(sql.PAIRS_OF_UUID).bind(uuid),
			]);
			const pairRows = (pairs?.results ?? []) as sql.VisitorPairRow[];
			return {
				uuid,
				optedOutAt: (optedOut?.results[0] as sql.OptedOutRow | undefined)?.opted_out_at ?? null,
				pairs: pairRows.map((r) => ({
					dpid: r.dpid,
					dpuuid: r.dpuuid,
					firstSeen: r.first_seen,
					lastSeen: r.last_seen,
				})),
			} satisfies VisitorRecord;
		},
		async partnerId(dpid, dpuuid) {
			const row = await db.prepare(sql.PARTNER_ID).bind(dpid, dpuuid).first<sql.PartnerIdRow>();
			return partnerIdRecordOf(dpid, dpuuid, row, row?.opted_out_at ?? null);
		},
		async isOptedOut(uuid) {
			return (await db.prepare(sql.IS_OPTED_OUT).bind(uuid).first()) !== null;
		},
		async optedOutAmong(uuids) {
			const rows = await allInSlices<sql.UuidRow>(db, sql.OPTED_OUT_AMONG, uuids);
			return new Set(rows.map((r) => r.uuid));
		},
		async uuidsOfPartnerIds(dpid, dpuuids) {
			const rows = await allInSlices<sql.ResolvedIdRow>(db, sql.UUIDS_OF_PARTNER_IDS, dpuuids, dpid);
			return new Map(rows.map((r) => [r.dpuuid, r.uuid]));
		},
		async forgetVisitor(uuid, at) {
			await db.batch([
				db.prepare(sql.RECORD_OPT_OUT).bind(uuid, at),
				db.prepare(sql.TOMBSTONE_PAIRS_OF_UUID).bind(uuid, at),
				db.prepare(sql.DELETE_PAIRS_OF_UUID).bind(uuid),
				db.prepare(sql.DELETE_MEMBERSHIPS_OF_UUID).bind(uuid),
				db.prepare(sql.LEAVE_ALL_SEGMENTS).bind(uuid, at),
			]);
		},
		async forgetPartnerId(dpid, dpuuid, at) {
			const [, , deleted] = await db.batch([
				db.prepare(sql.RECORD_PARTNER_OPT_OUT).bind(dpid, dpuuid, at),
				db.prepare(sql.TOMBSTONE_PARTNER_PAIR).bind(dpid, dpuuid, at),
				db.prepare(sql.DELETE_PARTNER_PAIR).bind(dpid, dpuuid),
			]);
			return (deleted?.meta.changes ?? 0) > 0;
		},
	};
}

/**
 * The statements that upsert `events` (the D1 store's own write), for a caller that must commit them in
 * its own transaction with other writes (the inbound ID-sync chunk: its pairs and its counts, or nothing).
 */
function pairUpsertStatements(db: D1Database, events: readonly PairEvent[], now: number): D1PreparedStatement[] {
	return slices(events).map((part) => db.prepare(sql.UPSERT_PAIRS).bind(sql.eventsJson(part), now));
}

/** Of the events at `positions` (new partner IDs), the earliest sighting of each key. */
function firstPerKey<E extends PairEvent>(events: readonly E[], positions: readonly sql.PositionRow[]): Set<E> {
	const first = new Map<string, E>();
	for (const { position } of positions) {
		const event = events[position];
		if (!event) continue;
		const key = `${event.dpid}:${event.dpuuid}`;
		const seen = first.get(key);
		if (!seen || event.at < seen.at) first.set(key, event);
	}
	return new Set(first.values());
}

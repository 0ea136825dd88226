import { allInSlices, slices } from "../db/json-each";
import type { PairEvent } from "./pair-event";
import * as sql from "./queries";

/**
 * The one door to the ID graph. Routes and consumers talk to this interface only, so the graph can
 * later be sharded across several D1 databases (by uuid for reads, by dpid+dpuuid for writes)
 * without touching them.
 */
export interface PairStore {
	/** Upserts a batch written at `now`; events of opted-out visitors or partner IDs are skipped. */
	upsert(events: readonly PairEvent[], now?: number): Promise<void>;
	/** The events among `events` that must not be kept because their visitor or partner ID opted out. */
	optedOut(events: readonly PairEvent[]): Promise<Set<PairEvent>>;
	/** When each partner last synced with `uuid` (Unix ms). */
	lastSeenByPartner(uuid: string): Promise<Map<number, number>>;
	isOptedOut(uuid: string): Promise<boolean>;
	/** The visitors among `uuids` who opted out. */
	optedOutAmong(uuids: readonly string[]): Promise<Set<string>>;
	/** The UUIDs that partner `dpid`'s user IDs are paired with (IDs the graph does not hold are left out). */
	uuidsOfPartnerIds(dpid: number, dpuuids: readonly string[]): Promise<Map<string, string>>;
	/**
	 * Global opt-out: remembered for good; every pair and trait membership of the visitor removed, every
	 * segment left; the deleted pairs kept as tombstones until outbound files have listed the removal.
	 */
	forgetVisitor(uuid: string, at: number): Promise<void>;
	/**
	 * Opt-out from one partner: a partner ID the graph holds is erased and never paired again. Resolves
	 * to whether it was there (an unknown ID leaves no trace, so callers cannot grow storage).
	 */
	forgetPartnerId(dpid: number, dpuuid: string, at: number): Promise<boolean>;
}

export function d1PairStore(db: D1Database): PairStore {
	return {
		async upsert(events, now = Date.now()) {
			if (events.length === 0) return;
			// One batch = one transaction: a retry after a failure re-applies the whole batch idempotently.
			await db.batch(pairUpsertStatements(db, events, now));
		},
		async optedOut(events) {
			if (events.length === 0) return new Set();
			const { results } = await db.prepare(sql.OPTED_OUT_POSITIONS).bind(sql.eventsJson(events)).all<sql.PositionRow>();
			return new Set(results.flatMap((row) => events[row.position] ?? []));
		},
		async lastSeenByPartner(uuid) {
			const { results } = await db.prepare(sql.LAST_SEEN_BY_PARTNER).bind(uuid).all<sql.LastSeenRow>();
			return new Map(results.map((row) => [row.dpid, row.last_seen]));
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
export function pairUpsertStatements(db: D1Database, events: readonly PairEvent[], now: number): D1PreparedStatement[] {
	return slices(events).map((part) => db.prepare(sql.UPSERT_PAIRS).bind(sql.eventsJson(part), now));
}

import type { PairEvent } from "../pair-event";
import { type PartnerIdRecord, partnerIdRecordOf } from "../records";
import { REFRESH_AFTER_MS } from "../refresh";
import { type PackedIds, packIds } from "./listing-wire";
import { decideMapping, type MappingState, mergeCopiedMapping } from "./mapping";
import type { ListedId } from "./partner-id-listing";
import * as listing from "./partner-id-listing";
import * as sql from "./partner-id-queries";
import { rowsAmong, writeAmong } from "./sql-lists";
import { SqliteShard } from "./sqlite-shard";
import type {
	AssertResult,
	CopiedMapping,
	CopiedPartnerOptOut,
	CopiedTombstone,
	PairChange,
	PartnerIdKey,
	ShardSize,
} from "./types";

/**
 * One partner-ID shard: partner ID → visitor for the keys whose buckets the shard map gives it, with
 * partner-level opt-outs and tombstones. Called over RPC by the sharded store only; no method awaits,
 * so each is atomic inside the object.
 */
export class PartnerIdShard extends SqliteShard {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env, sql.PARTNER_ID_SCHEMA);
	}

	/** Positions of the keys that opted out. */
	optedOutAmong(keys: readonly PartnerIdKey[]): number[] {
		return keys.flatMap((k, i) => (this.optedOutAt(k) !== null ? [i] : []));
	}

	/**
	 * Applies sightings in time order ("most recent mapping wins") and writes a row only when it
	 * changes (see refresh.ts). Returns the rows written, each with the visitor it moved from.
	 */
	assert(events: readonly PairEvent[], now: number): AssertResult {
		const result: AssertResult = { changes: [], created: [], refused: [], rowsWritten: 0 };
		const changed = new Map<string, PairChange>();
		// The visitor each key had before this batch: a key may change twice in one batch.
		const heldBefore = new Map<string, string | null>();
		const pairedBefore = new Map<string, number | null>();
		const order = events.map((_, i) => i).sort((a, b) => (events[a]?.at ?? 0) - (events[b]?.at ?? 0));
		let rev: number | null = null;
		// Each key's final row, written once at the end of the batch.
		const written = new Map<string, sql.KeyedMappingRow>();
		this.ctx.storage.transactionSync(() => {
			// Read every key's row and opt-out once; `current` then follows the writes of this batch.
			const keys = [...new Map(events.map((e) => [`${e.dpid}:${e.dpuuid}`, [e.dpid, e.dpuuid]])).values()];
			const current = new Map<string, sql.MappingRow>(
				rowsAmong<sql.KeyedMappingRow>(this.sql, sql.MAPPINGS_OF_KEYS, keys).map((r) => [`${r.dpid}:${r.dpuuid}`, r]),
			);
			const optedOut = new Set(
				rowsAmong<sql.KeyRow>(this.sql, sql.OPTED_OUT_KEYS, keys).map((r) => `${r.dpid}:${r.dpuuid}`),
			);
			for (const position of order) {
				const event = events[position] as PairEvent;
				const key = `${event.dpid}:${event.dpuuid}`;
				if (optedOut.has(key)) {
					result.refused.push(position);
					continue;
				}
				const before = current.get(key) ?? null;
				const after = decideMapping(before, event, now, REFRESH_AFTER_MS);
				if (!after) continue;
				current.set(key, after);
				if (!before) result.created.push(position);
				written.set(key, { dpid: event.dpid, dpuuid: event.dpuuid, ...after });
				if (!heldBefore.has(key)) heldBefore.set(key, before?.uuid ?? null);
				if (!pairedBefore.has(key)) pairedBefore.set(key, before?.paired_at ?? null);
				const movedFrom = heldBefore.get(key) ?? null;
				if (rev === null) {
					rev = this.nextRevision();
					result.rowsWritten++;
				}
				changed.set(key, {
					dpid: event.dpid,
					dpuuid: event.dpuuid,
					uuid: after.uuid,
					firstSeen: after.first_seen,
					lastSeen: after.last_seen,
					rev,
					movedFrom: movedFrom === after.uuid ? null : movedFrom,
					repaired: after.paired_at !== pairedBefore.get(key),
				});
			}
			result.rowsWritten += this.writeMappings([...written.values()]);
		});
		result.changes = [...changed.values()];
		this.written += result.rowsWritten;
		return result;
	}

	/**
	 * The graph copy (D1 → shards): opt-outs and tombstones first, then mappings merged with what dual
	 * writes already put here. Returns the mappings written, to mirror into the visitor shards. Copying
	 * the same page again writes nothing.
	 */
	importRows(rows: {
		optOuts?: readonly CopiedPartnerOptOut[];
		tombstones?: readonly CopiedTombstone[];
		mappings?: readonly CopiedMapping[];
	}): PairChange[] {
		const changes: PairChange[] = [];
		let rev: number | null = null;
		this.ctx.storage.transactionSync(() => {
			const optOuts = (rows.optOuts ?? []).map((o) => [o.dpid, o.dpuuid, o.optedOutAt]);
			const tombstones = (rows.tombstones ?? []).map((t) => [t.dpid, t.dpuuid, t.uuid, t.removedAt]);
			this.written +=
				writeAmong(this.sql, sql.RECORD_OPT_OUTS, optOuts) + writeAmong(this.sql, sql.IMPORT_TOMBSTONES, tombstones);
			// Every key's row and opt-out read once (after the opt-outs above); `current` follows the writes.
			const mappings = rows.mappings ?? [];
			const keys = [...new Map(mappings.map((m) => [`${m.dpid}:${m.dpuuid}`, [m.dpid, m.dpuuid]])).values()];
			const current = new Map<string, sql.MappingRow>(
				rowsAmong<sql.KeyedMappingRow>(this.sql, sql.MAPPINGS_OF_KEYS, keys).map((r) => [`${r.dpid}:${r.dpuuid}`, r]),
			);
			const optedOut = new Set(
				rowsAmong<sql.KeyRow>(this.sql, sql.OPTED_OUT_KEYS, keys).map((r) => `${r.dpid}:${r.dpuuid}`),
			);
			const written = new Map<string, sql.KeyedMappingRow>();
			for (const m of mappings) {
				const key = `${m.dpid}:${m.dpuuid}`;
				if (optedOut.has(key)) continue;
				const before = current.get(key) ?? null;
				const copied: MappingState = {
					uuid: m.uuid,
					first_seen: m.firstSeen,
					last_seen: m.lastSeen,
					paired_at: m.pairedAt,
				};
				const after = mergeCopiedMapping(before, copied);
				if (!after) continue;
				current.set(key, after);
				written.set(key, { dpid: m.dpid, dpuuid: m.dpuuid, ...after });
				const movedFrom = before && before.uuid !== after.uuid ? before.uuid : null;
				if (rev === null) {
					rev = this.nextRevision();
					this.written++;
				}
				changes.push({
					dpid: m.dpid,
					dpuuid: m.dpuuid,
					uuid: after.uuid,
					firstSeen: after.first_seen,
					lastSeen: after.last_seen,
					rev,
					movedFrom,
					repaired: after.paired_at !== before?.paired_at,
				});
			}
			this.written += this.writeMappings([...written.values()]);
		});
		return changes;
	}

	/** Writes each key's row in a few statements (most of an ID-sync file's time was one per row). */
	private writeMappings(rows: readonly sql.KeyedMappingRow[]): number {
		const values = rows.map((r) => [r.dpid, r.dpuuid, r.uuid, r.first_seen, r.last_seen, r.paired_at]);
		return writeAmong(this.sql, sql.WRITE_MAPPINGS, values);
	}

	/** Lets go of mappings that still point at the named visitor (an opt-out), keeping tombstones. */
	unmap(keys: ReadonlyArray<PartnerIdKey & { uuid: string }>, at: number): number {
		let removed = 0;
		this.ctx.storage.transactionSync(() => {
			for (const k of keys) {
				if (this.sql.exec<sql.MappingRow>(sql.MAPPING, k.dpid, k.dpuuid).toArray()[0]?.uuid !== k.uuid) continue;
				this.written += this.sql.exec(sql.TOMBSTONE, k.dpid, k.dpuuid, k.uuid, at).rowsWritten;
				removed += this.sql.exec(sql.DELETE_MAPPING, k.dpid, k.dpuuid).rowsWritten;
			}
		});
		this.written += removed;
		return removed;
	}

	/**
	 * Partner-level opt-out of a held ID: remembered, tombstoned, erased. Unknown IDs leave no trace.
	 * `held` says whether the ID was mapped; `uuid` names the visitor whose copy of the pair must go,
	 * also when a retry finds the opt-out already done (its tombstone remembers the visitor).
	 */
	forget(dpid: number, dpuuid: string, at: number): { held: boolean; uuid: string | null; rev: number } {
		const row = this.sql.exec<sql.MappingRow>(sql.MAPPING, dpid, dpuuid).toArray()[0];
		if (!row) {
			const done = this.optedOutAt({ dpid, dpuuid }) !== null;
			const tombstone = done ? this.sql.exec<sql.TombstoneRow>(sql.TOMBSTONE_OF, dpid, dpuuid).toArray()[0] : undefined;
			if (!tombstone) return { held: false, uuid: null, rev: 0 };
			this.written++;
			return { held: false, uuid: tombstone.uuid, rev: this.nextRevision() };
		}
		let rev = 0;
		this.ctx.storage.transactionSync(() => {
			rev = this.nextRevision();
			this.written++;
			for (const cursor of [
				this.sql.exec(sql.RECORD_OPT_OUT, dpid, dpuuid, at),
				this.sql.exec(sql.TOMBSTONE, dpid, dpuuid, row.uuid, at),
				this.sql.exec(sql.DELETE_MAPPING, dpid, dpuuid),
			])
				this.written += cursor.rowsWritten;
		});
		return { held: true, uuid: row.uuid, rev };
	}

	read(dpid: number, dpuuid: string): PartnerIdRecord {
		const row = this.sql.exec<sql.MappingRow>(sql.MAPPING, dpid, dpuuid).toArray()[0];
		return partnerIdRecordOf(dpid, dpuuid, row, this.optedOutAt({ dpid, dpuuid }));
	}

	/** The visitors that `dpid`'s IDs map to (IDs the shard does not hold are left out). */
	resolve(dpid: number, dpuuids: readonly string[]): Array<{ dpuuid: string; uuid: string }> {
		return rowsAmong<sql.MappedRow>(this.sql, sql.MAPPINGS_AMONG, dpuuids, dpid).map((r) => ({
			dpuuid: r.dpuuid,
			uuid: r.uuid,
		}));
	}

	/** The partner's IDs after `after`, in key order (outbound listings), packed (listing-wire.ts). */
	listIds(dpid: number, after: string, limit: number): PackedIds {
		return packIds(listing.listIds(this.sql, dpid, after, limit));
	}

	/** The mappings of `dpuuids` with their paired time (iter listings check the change log against them). */
	mappingsOf(dpid: number, dpuuids: readonly string[]): ListedId[] {
		return listing.mappingsOf(this.sql, dpid, dpuuids);
	}

	/** The partner's IDs an opt-out removed in (since, until], after `after`, in key order. */
	listRemovals(q: { dpid: number; after: string; since: number; until: number }, limit: number): PackedIds {
		return packIds(listing.listRemovals(this.sql, q, limit));
	}

	sampleIds(dpid: number, every: number): listing.SampledKey[] {
		return listing.sampleIds(this.sql, dpid, every);
	}

	countListing(dpid: number, window: { since: number; until: number } | null): number {
		return listing.countListing(this.sql, dpid, window);
	}

	/** Forgets removals every iter run has listed. */
	pruneTombstones(before: number): number {
		return this.count(this.sql.exec(listing.PRUNE_TOMBSTONES, before).rowsWritten);
	}

	/** Rows held, bytes on disk and rows written since waking: for the migration check and the bench. */
	size(): ShardSize {
		const rows = this.sql.exec<sql.CountRow>(sql.COUNT_IDS).one().n;
		const optOuts = this.sql.exec<sql.CountRow>(sql.COUNT_OPT_OUTS).one().n;
		return { rows, optOuts, bytes: this.sql.databaseSize, rowsWritten: this.written };
	}

	/** The next revision (one row written: the counter; callers count it with their own writes). */
	private nextRevision(): number {
		return this.sql.exec<sql.RevisionRow>(sql.NEXT_REVISION).one().rev;
	}

	private optedOutAt(key: PartnerIdKey): number | null {
		return this.sql.exec<sql.OptedOutRow>(sql.OPTED_OUT_AT, key.dpid, key.dpuuid).toArray()[0]?.opted_out_at ?? null;
	}
}

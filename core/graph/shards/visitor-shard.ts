import { BACKFILL_PAGE_USERS } from "../memberships/door";
import { usersOf } from "../memberships/plan";
import type { SegmentDef } from "../memberships/segment-rule";
import type { BackfillCursor, TraitApplyResult, VisitorMemberships } from "../memberships/types";
import type { VisitorRecord } from "../records";
import { type PackedSegmentRows, packSegmentRows } from "./listing-wire";
import { rowsAmong, writeAmong } from "./sql-lists";
import { SqliteShard } from "./sqlite-shard";
import { type TraitPart, unpackTraitPart } from "./trait-part";
import type { GraphPair, MirroredPair, MovedPair, PartnerIdKey, ShardSize } from "./types";
import * as membershipSql from "./visitor-membership-queries";
import * as memberships from "./visitor-memberships";
import * as sql from "./visitor-queries";

/** How long a move is remembered: far beyond any queue retry or Workflow step that could mirror late. */
const MOVES_REMEMBERED_MS = 86_400_000;

/**
 * One visitor shard: the pairs, opt-outs, traits and segments of the visitors whose buckets the shard
 * map gives it.
 * Its methods are called over RPC by the sharded store (core/graph/shards/store.ts) only; each runs
 * without awaiting, so it is atomic inside the object.
 */
export class VisitorShard extends SqliteShard {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env, sql.VISITOR_SCHEMA);
	}

	optedOutAmong(uuids: readonly string[]): string[] {
		// Most shards hold no opt-out at all: one probe instead of looking every visitor up.
		if (this.sql.exec(sql.ANY_OPT_OUT).toArray().length === 0) return [];
		return rowsAmong<sql.UuidOnlyRow>(this.sql, sql.OPTED_OUT_AMONG, uuids).map((r) => r.uuid);
	}

	read(uuid: string): VisitorRecord {
		const pairs = this.sql.exec<sql.PairRow>(sql.PAIRS_OF, uuid).toArray();
		return {
			uuid,
			optedOutAt: this.optedOutAt(uuid),
			pairs: pairs.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid, firstSeen: r.first_seen, lastSeen: r.last_seen })),
		};
	}

	/**
	 * Mirrors the partner-ID shards' writes: `pairs` as they now are, `moved` the pairs taken from these
	 * visitors. Writes of one partner ID may be mirrored out of order (consumers run concurrently), so
	 * each carries its revision: a copy is replaced only by a later one, removed only by a later move,
	 * and a move is remembered for a day so an older copy does not come back. A pair of a visitor who
	 * opted out meanwhile is refused and named, so the store can take the partner ID's mapping back.
	 */
	recordPairs(
		pairs: readonly MirroredPair[],
		moved: readonly MovedPair[],
		now: number,
	): { refused: GraphPair[]; rowsWritten: number } {
		const refused: GraphPair[] = [];
		let rowsWritten = 0;
		this.ctx.storage.transactionSync(() => {
			rowsWritten += this.sql.exec(sql.FORGET_OLD_MOVES, now - MOVES_REMEMBERED_MS).rowsWritten;
			for (const m of moved) rowsWritten += this.markMoved(m, now);
			// What the pairs depend on, read once for the batch (after the moves above are marked).
			const keys = pairs.map((p) => [p.uuid, p.dpid, p.dpuuid]);
			const keyOf = (p: { uuid: string; dpid: number; dpuuid: string }) => `${p.uuid} ${p.dpid}:${p.dpuuid}`;
			const optedOut = new Set(this.optedOutAmong([...new Set(pairs.map((p) => p.uuid))]));
			const held = new Set(rowsAmong<sql.HeldPairRow>(this.sql, sql.PAIRS_HELD, keys).map(keyOf));
			const movedRev = new Map(
				rowsAmong<sql.HeldPairRow & sql.MovedRow>(this.sql, sql.MOVED_REVS, keys).map((r) => [keyOf(r), r.rev]),
			);
			const mirrored: unknown[][] = [];
			const changedVisitors = new Set<string>();
			for (const p of pairs) {
				if (optedOut.has(p.uuid)) refused.push(p);
				else if ((movedRev.get(keyOf(p)) ?? -1) > p.rev) continue;
				else {
					mirrored.push([p.uuid, p.dpid, p.dpuuid, p.firstSeen, p.lastSeen, p.rev]);
					// A partner ID new to this visitor, or paired to it anew, is a change its iter files list.
					if (!held.has(keyOf(p)) || p.repaired) changedVisitors.add(p.uuid);
					held.add(keyOf(p));
				}
			}
			// Within one statement a later copy of a key still replaces an earlier one only when its
			// revision is higher, as it did one statement per pair.
			rowsWritten += writeAmong(this.sql, sql.MIRROR_PAIRS, mirrored);
			rowsWritten += writeAmong(this.sql, membershipSql.LOG_CHANGES, [...changedVisitors], now);
		});
		this.written += rowsWritten;
		return { refused, rowsWritten };
	}

	/**
	 * Records a global opt-out (from now on every pair and trait of `uuid` is refused), drops its traits,
	 * leaves its segments, and names the pairs it held.
	 */
	optOut(uuid: string, at: number): PartnerIdKey[] {
		this.ctx.storage.transactionSync(() => {
			this.count(this.sql.exec(sql.RECORD_OPT_OUT, uuid, at).rowsWritten);
			this.count(memberships.forgetMemberships(this.sql, uuid, at));
		});
		return this.sql
			.exec<sql.PairRow>(sql.PAIRS_OF, uuid)
			.toArray()
			.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid }));
	}

	/** The shard's part of a trait change, with the segments it moves: once per key, in one transaction. */
	applyTraits(part: TraitPart, segments: readonly SegmentDef[], now: number): TraitApplyResult {
		const change = unpackTraitPart(part);
		const users = usersOf(change);
		const optedOut = new Set(this.optedOutAmong(users));
		const applied = this.ctx.storage.transactionSync(() =>
			memberships.applyTraits(this.sql, change, users, segments, (uuid) => optedOut.has(uuid), now),
		);
		this.written += applied.rowsWritten;
		return applied.result;
	}

	memberships(uuid: string): VisitorMemberships {
		return memberships.membershipsOf(this.sql, uuid);
	}

	lineFacts(q: { dpid: number; uuids: readonly string[]; traits: readonly number[] }) {
		return memberships.lineFactsOf(this.sql, q);
	}

	/** Each of `uuids`' memberships of `segments` not ended by `endedAfter`, packed (listing-wire.ts). */
	segmentRows(uuids: readonly string[], segments: readonly number[], endedAfter: number): PackedSegmentRows {
		return packSegmentRows(memberships.segmentRowsOf(this.sql, uuids, segments, endedAfter));
	}

	backfillPage(
		segment: SegmentDef,
		cursor: Pick<BackfillCursor, "phase" | "after">,
		limit: number,
		now: number,
	): memberships.ShardBackfillPage {
		return this.ctx.storage.transactionSync(() => memberships.backfillShardPage(this.sql, segment, cursor, limit, now));
	}

	/**
	 * A segment backfill's whole job in this shard, evaluated here: every visitor with traits, then every
	 * member without, a page (one transaction) at a time. A retry re-evaluates from the start and changes
	 * only what is still wrong, so nobody enters or leaves twice.
	 */
	backfillAll(segment: SegmentDef, now: number): { users: number; entered: number; left: number } {
		const done = { users: 0, entered: 0, left: 0 };
		for (const phase of ["with-traits", "traitless-members"] as const) {
			let after = "";
			for (;;) {
				const page = this.backfillPage(segment, { phase, after }, BACKFILL_PAGE_USERS, now);
				done.users += page.users;
				done.entered += page.entered;
				done.left += page.left;
				if (page.users < BACKFILL_PAGE_USERS || page.last === null) break;
				after = page.last;
			}
		}
		return done;
	}

	/** Iter listings: the partner's IDs of visitors whose lines changed in the window (the change log). */
	changedPairs(q: { dpid: number; after: string; since: number; until: number }, limit: number) {
		return memberships.changedPairs(this.sql, q, limit);
	}

	/** Forgets the change log before `before` (every iter run has read it). */
	pruneChanges(before: number): number {
		return this.count(this.sql.exec(membershipSql.PRUNE_CHANGES, before).rowsWritten);
	}

	dropTrait(traitId: number): number {
		return this.count(this.sql.exec(membershipSql.DROP_TRAIT, traitId).rowsWritten);
	}

	dropSegment(segmentId: number): number {
		return this.count(this.sql.exec(membershipSql.DROP_SEGMENT, segmentId).rowsWritten);
	}

	/** The graph copy (D1 → shards): global opt-outs as D1 recorded them; one already here stays. */
	importOptOuts(rows: ReadonlyArray<{ uuid: string; optedOutAt: number }>): number {
		let written = 0;
		this.ctx.storage.transactionSync(() => {
			written += writeAmong(
				this.sql,
				sql.RECORD_OPT_OUTS,
				rows.map((r) => [r.uuid, r.optedOutAt]),
			);
		});
		return this.count(written);
	}

	/** The graph copy (D1 → shards): trait and segment rows; a row already here (a dual write) stays. */
	importMemberships(rows: memberships.CopiedMemberships): number {
		return this.count(this.ctx.storage.transactionSync(() => memberships.importMemberships(this.sql, rows)));
	}

	membershipCounts(): { traits: number; segmentRows: number } {
		return memberships.membershipCounts(this.sql);
	}

	/** After the partner-ID shards have let go of them: the opted-out visitor's pairs go. */
	dropPairs(uuid: string): number {
		return this.count(this.sql.exec(sql.REMOVE_PAIRS_OF, uuid).rowsWritten);
	}

	/** A partner-level opt-out took the pair away (the partner ID's write `rev`): the copy goes for good. */
	removePair(uuid: string, dpid: number, dpuuid: string, rev: number, now: number): number {
		return this.count(this.markMoved({ uuid, dpid, dpuuid, rev }, now));
	}

	/** Rows held, bytes on disk and rows written since waking: for the migration check and the bench. */
	size(): ShardSize {
		const rows = this.sql.exec<sql.CountRow>(sql.COUNT_PAIRS).one().n;
		const optOuts = this.sql.exec<sql.CountRow>(sql.COUNT_OPT_OUTS).one().n;
		return { rows, optOuts, bytes: this.sql.databaseSize, rowsWritten: this.written };
	}

	private markMoved(m: MovedPair, now: number): number {
		const removed = this.sql.exec(sql.REMOVE_MOVED_PAIR, m.uuid, m.dpid, m.dpuuid, m.rev).rowsWritten;
		return removed + this.sql.exec(sql.MARK_MOVED, m.uuid, m.dpid, m.dpuuid, m.rev, now).rowsWritten;
	}

	private optedOutAt(uuid: string): number | null {
		return this.sql.exec<sql.OptedOutRow>(sql.OPTED_OUT_AT, uuid).toArray()[0]?.opted_out_at ?? null;
	}
}

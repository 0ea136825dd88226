import { APPLIED_KEYS_KEPT_MS } from "../memberships/door";
import { assembleLineFacts, type PartnerIdOfUser, type RealizedTraitRow } from "../memberships/listing";
import {
	activeKey,
	membershipsFromRows,
	planTraitChange,
	segmentChanges,
	traitsByUser,
	withoutVisitors,
} from "../memberships/plan";
import type { SegmentDef } from "../memberships/segment-rule";
import {
	type BackfillCursor,
	type HeldTrait,
	storedApplyResult,
	type TraitApplyResult,
	type TraitChange,
	type VisitorMemberships,
} from "../memberships/types";
import { rowsAmong, writeAmong } from "./sql-lists";
import * as sql from "./visitor-membership-queries";

/**
 * A visitor shard's trait and segment memberships, as plain functions of its SQLite database (the
 * VisitorShard class calls them inside its transactions). Each reads and writes one visitor's rows by
 * key, so a trait change and the segments it moves are evaluated and written where the traits are.
 */

/**
 * Applies the shard's part of a trait change once per key; `optedOut` visitors get nothing. `users`
 * are the change's visitors (usersOf), which the caller has already listed to look up the opted-out.
 */
export function applyTraits(
	db: SqlStorage,
	change: TraitChange,
	users: readonly string[],
	segments: readonly SegmentDef[],
	optedOut: (uuid: string) => boolean,
	now: number,
): { result: TraitApplyResult; rowsWritten: number } {
	const before = db.exec<sql.AppliedRow>(sql.APPLIED_RESULT, change.key).toArray()[0];
	if (before) return { result: storedApplyResult(before.result), rowsWritten: 0 };
	const refused = users.filter(optedOut).sort();
	const kept = refused.length === 0 ? change : withoutVisitors(change, optedOut);
	const { traits, active } = heldBy(db, refused.length === 0 ? users : users.filter((u) => !optedOut(u)));
	const w = planTraitChange(kept, traits, active, segments);
	let rowsWritten = 0;
	const run = (query: string, ...args: unknown[]) => {
		rowsWritten += db.exec(query, ...args).rowsWritten;
	};
	// Clears, then removals, then additions: a trait an .overwrite keeps is cleared and added back.
	rowsWritten += writeAmong(db, sql.CLEAR_SOURCE_TRAITS_AMONG, w.clear, change.source);
	rowsWritten += writeAmong(db, sql.REMOVE_TRAITS, w.removes);
	rowsWritten += writeAmong(db, sql.ADD_TRAITS, w.adds, change.source, now);
	rowsWritten += writeSegmentChanges(db, w, now);
	const result = { removedByOverwrite: w.removedByOverwrite, entered: w.enter.length, left: w.leave.length, refused };
	run(sql.PRUNE_APPLIED, now - APPLIED_KEYS_KEPT_MS);
	run(sql.RECORD_APPLIED, change.key, JSON.stringify(result), now);
	return { result, rowsWritten };
}

export function membershipsOf(db: SqlStorage, uuid: string): VisitorMemberships {
	return membershipsFromRows(
		db.exec<sql.TraitRow>(sql.TRAITS_OF, uuid).toArray(),
		db.exec<sql.SegmentRow>(sql.SEGMENT_HISTORY_OF, uuid).toArray(),
	);
}

/**
 * Each visitor's memberships of `segments` that had not ended by `endedAfter` (outbound listings), in
 * the order of `uuids`, each visitor's by segment.
 */
export function segmentRowsOf(
	db: SqlStorage,
	uuids: readonly string[],
	segments: readonly number[],
	endedAfter: number,
): sql.SegmentRow[][] {
	const mapped = new Set(segments);
	const rowsOf = new Map<string, sql.SegmentRow[]>(uuids.map((uuid) => [uuid, []]));
	for (const { uuid, ...row } of rowsAmong<sql.SegmentRowOf>(db, sql.SEGMENT_ROWS_AMONG, uuids, endedAfter)) {
		if (mapped.has(row.segment_id)) rowsOf.get(uuid)?.push(row);
	}
	return uuids.map((uuid) => (rowsOf.get(uuid) ?? []).sort((a, b) => a.segment_id - b.segment_id));
}

/** For outbound templates: the visitors' IDs of `dpid` and their traits among `traits`. */
export function lineFactsOf(db: SqlStorage, q: { dpid: number; uuids: readonly string[]; traits: readonly number[] }) {
	const uuids = JSON.stringify(q.uuids);
	const ids = db.exec<PartnerIdOfUser>(sql.PARTNER_IDS_AMONG, q.dpid, uuids).toArray();
	const traits =
		q.traits.length === 0
			? []
			: db.exec<RealizedTraitRow>(sql.TRAITS_REALIZED_AMONG, JSON.stringify(q.traits), uuids).toArray();
	return assembleLineFacts(q.uuids, ids, traits);
}

/** A global opt-out: every trait dropped, every segment left (outbound files list the exits once). */
export function forgetMemberships(db: SqlStorage, uuid: string, at: number): number {
	return db.exec(sql.DROP_TRAITS_OF, uuid).rowsWritten + db.exec(sql.LEAVE_ALL_SEGMENTS, uuid, at).rowsWritten;
}

export interface ShardBackfillPage {
	/** The last visitor evaluated (the next page starts after it). */
	last: string | null;
	users: number;
	entered: number;
	left: number;
}

/** One backfill page of this shard: `segment` re-evaluated for up to `limit` visitors after `cursor`. */
export function backfillShardPage(
	db: SqlStorage,
	segment: SegmentDef,
	cursor: Pick<BackfillCursor, "phase" | "after">,
	limit: number,
	now: number,
): ShardBackfillPage {
	const page =
		cursor.phase === "with-traits"
			? db.exec<sql.UuidRow>(sql.USERS_WITH_TRAITS_PAGE, cursor.after, limit)
			: db.exec<sql.UuidRow>(sql.TRAITLESS_MEMBERS_PAGE, segment.id, cursor.after, limit);
	const uuids = page.toArray().map((r) => r.uuid);
	const { traits, active } = heldBy(db, uuids);
	const { enter, leave } = segmentChanges([segment], traitsByUser(uuids, traits), active);
	writeSegmentChanges(db, { enter, leave }, now);
	return { last: uuids.at(-1) ?? null, users: uuids.length, entered: enter.length, left: leave.length };
}

/**
 * Segments entered and left ([segment, uuid] each), and the change log of their visitors, a statement
 * per slice (one `exec` per entry cost ~40 µs each in the SQL API); the rows written.
 */
function writeSegmentChanges(
	db: SqlStorage,
	changes: { enter: ReadonlyArray<readonly [number, string]>; leave: ReadonlyArray<readonly [number, string]> },
	now: number,
): number {
	const changed = [...changes.enter, ...changes.leave].map(([, uuid]) => uuid);
	return (
		writeAmong(db, sql.ENTER_SEGMENTS, changes.enter, now) +
		writeAmong(db, sql.LEAVE_SEGMENTS, changes.leave, now) +
		writeAmong(db, sql.LOG_CHANGES, changed, now)
	);
}

function heldBy(db: SqlStorage, users: Iterable<string>): { traits: HeldTrait[]; active: Set<string> } {
	const list = [...users];
	const traits = rowsAmong<sql.UserTraitRow>(db, sql.TRAITS_AMONG, list).map((r) => ({
		uuid: r.uuid,
		traitId: r.trait_id,
		dpid: r.dpid,
	}));
	const active = new Set(
		rowsAmong<sql.UserSegmentRow>(db, sql.ACTIVE_SEGMENTS_AMONG, list).map((r) => activeKey(r.segment_id, r.uuid)),
	);
	return { traits, active };
}

/** Rows the graph copy brings from D1, for visitors who have not opted out meanwhile. */
export interface CopiedMemberships {
	traits?: ReadonlyArray<{ uuid: string; traitId: number; dpid: number; realizedAt: number }>;
	segments?: ReadonlyArray<{ uuid: string; segmentId: number; enteredAt: number; leftAt: number | null }>;
}

export function importMemberships(db: SqlStorage, rows: CopiedMemberships) {
	const traits = (rows.traits ?? []).map((t) => [t.uuid, t.traitId, t.dpid, t.realizedAt]);
	const segments = (rows.segments ?? []).map((m) => [m.uuid, m.segmentId, m.enteredAt, m.leftAt]);
	return writeAmong(db, sql.IMPORT_TRAITS, traits) + writeAmong(db, sql.IMPORT_SEGMENT_ROWS, segments);
}

/** Trait and segment rows held (the graph copy compares them with D1's). */
export function membershipCounts(db: SqlStorage): { traits: number; segmentRows: number } {
	return {
		traits: db.exec<{ n: number }>(sql.COUNT_TRAITS).one().n,
		segmentRows: db.exec<{ n: number }>(sql.COUNT_SEGMENT_ROWS).one().n,
	};
}

/** The partner's IDs of visitors whose lines changed in (since, until], after `after`, in key order. */
export function changedPairs(
	db: SqlStorage,
	q: { dpid: number; after: string; since: number; until: number },
	limit: number,
): sql.ChangedPairRow[] {
	return db.exec<sql.ChangedPairRow>(sql.CHANGED_PAIRS, q.dpid, q.after, q.since, q.until, limit).toArray();
}

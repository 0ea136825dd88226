import { allInSlices, slices } from "../../db/json-each";
import * as graphSql from "../queries";
import * as sql from "./d1-queries";
import {
	APPLIED_KEYS_KEPT_MS,
	BACKFILL_PAGE_USERS,
	type GraphMemberships,
	MAX_LISTING_WINDOWS,
	tooManyWindows,
} from "./door";
import { assembleLineFacts, changedInWindow, type PartnerIdOfUser, type RealizedTraitRow } from "./listing";
import {
	activeKey,
	membershipsFromRows,
	planTraitChange,
	segmentChanges,
	type TraitWrites,
	traitsByUser,
	usersOf,
	withoutVisitors,
} from "./plan";
import {
	type HeldTrait,
	type ListingQuery,
	type MemberPage,
	type MemberRow,
	storedApplyResult,
	type TraitApplyResult,
} from "./types";

/** Trait and segment memberships in the one D1 database (the reference the shards are held to). */
export function d1Memberships(db: D1Database): GraphMemberships {
	async function held(users: readonly string[]): Promise<{ traits: HeldTrait[]; active: Set<string> }> {
		const [traitRows, activeRows] = await Promise.all([
			allInSlices<sql.TraitRow>(db, sql.TRAITS_OF_USERS, users),
			allInSlices<sql.ActiveSegmentRow>(db, sql.ACTIVE_SEGMENTS_OF_USERS, users),
		]);
		return {
			traits: traitRows.map((r) => ({ uuid: r.uuid, traitId: r.trait_id, dpid: r.dpid })),
			active: new Set(activeRows.map((r) => activeKey(r.segment_id, r.uuid))),
		};
	}

	async function memberPage(q: ListingQuery & { endedAfter: number }): Promise<MemberPage> {
		const page = db.prepare(sql.MEMBER_PAGE).bind(q.dpid, q.after, JSON.stringify(q.segments), q.endedAfter, q.limit);
		return wholeIds((await page.all<MemberRow>()).results, q.limit);
	}

	return {
		async applyTraits(change, segments, now) {
			const before = await db.prepare(sql.APPLIED_RESULT).bind(change.key).first<{ result: string }>();
			if (before) return storedApplyResult(before.result);
			const optedOut = await allInSlices<graphSql.UuidRow>(db, graphSql.OPTED_OUT_AMONG, usersOf(change));
			const refused = new Set(optedOut.map((r) => r.uuid));
			const kept = withoutVisitors(change, (uuid) => refused.has(uuid));
			const state = await held(usersOf(kept));
			const writes = planTraitChange(kept, state.traits, state.active, segments);
			const result: TraitApplyResult = {
				removedByOverwrite: writes.removedByOverwrite,
				entered: writes.enter.length,
				left: writes.leave.length,
				refused: [...refused].sort(),
			};
			await db.batch([
				...writeStatements(db, change.source, writes, now),
				db.prepare(sql.PRUNE_APPLIED).bind(now - APPLIED_KEYS_KEPT_MS),
				db.prepare(sql.RECORD_APPLIED).bind(change.key, JSON.stringify(result), now),
			]);
			return result;
		},
		async memberships(uuid) {
			const [traits, history] = await db.batch([
				db.prepare(sql.TRAITS_OF_USERS).bind(JSON.stringify([uuid])),
				db.prepare(sql.SEGMENT_HISTORY_OF).bind(uuid),
			]);
			const segmentRows = (history?.results ?? []) as sql.SegmentHistoryRow[];
			return membershipsFromRows((traits?.results ?? []) as sql.TraitRow[], segmentRows);
		},
		memberPage,
		async changedMemberPage(q) {
			// The reference reads every member and keeps the changed ones (the shards read their change log).
			const page = await memberPage({ ...q, endedAfter: q.since });
			return { rows: changedInWindow(page.rows, q.since, q.until), next: page.next };
		},
		async lineFacts(q) {
			const [ids, traits] = await Promise.all([
				allInSlices<PartnerIdOfUser>(db, sql.PARTNER_IDS_OF_USERS, q.uuids, q.dpid),
				q.traits.length === 0
					? []
					: allInSlices<RealizedTraitRow>(db, sql.TRAITS_REALIZED_OF_USERS, q.uuids, JSON.stringify(q.traits)),
			]);
			return assembleLineFacts(q.uuids, ids, traits);
		},
		async removalPage(q) {
			const segments = JSON.stringify(q.segments);
			const page = db.prepare(sql.REMOVAL_PAGE).bind(q.dpid, q.after, segments, q.since, q.limit, q.until);
			return wholeIds((await page.all<MemberRow>()).results, q.limit);
		},
		async listingBound(q) {
			const segments = JSON.stringify(q.segments);
			const members = db.prepare(sql.MEMBER_BOUND).bind(q.dpid, segments, q.endedAfter);
			const removals = q.window && db.prepare(sql.REMOVAL_BOUND).bind(q.dpid, segments, q.window.since, q.window.until);
			const counts = await Promise.all([members.first<number>("n"), removals ? removals.first<number>("n") : 0]);
			return counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
		},
		async listingCuts(q) {
			const cuts = db.prepare(sql.MEMBER_CUTS).bind(q.dpid, JSON.stringify(q.segments), q.endedAfter, q.most);
			const keys = (await cuts.all<{ dpuuid: string }>()).results.map((r) => r.dpuuid);
			if (keys.length >= MAX_LISTING_WINDOWS) throw tooManyWindows(keys.length * q.most, q.most);
			return keys;
		},
		async backfillPage(segment, cursor, now) {
			const users =
				cursor.phase === "with-traits"
					? await db.prepare(sql.USERS_WITH_TRAITS_PAGE).bind(cursor.after, BACKFILL_PAGE_USERS).all<sql.UuidRow>()
					: await db
							.prepare(sql.TRAITLESS_MEMBERS_PAGE)
							.bind(segment.id, cursor.after, BACKFILL_PAGE_USERS)
							.all<sql.UuidRow>();
			const uuids = users.results.map((r) => r.uuid);
			const state = await held(uuids);
			const changes = segmentChanges([segment], traitsByUser(uuids, state.traits), state.active);
			const statements = segmentStatements(db, changes, now);
			if (statements.length > 0) await db.batch(statements);
			const last = uuids.at(-1);
			const next =
				uuids.length === BACKFILL_PAGE_USERS && last
					? { phase: cursor.phase, after: last }
					: cursor.phase === "with-traits"
						? { phase: "traitless-members" as const, after: "" }
						: null;
			return { next, entered: changes.enter.length, left: changes.leave.length };
		},
		async dropTrait(traitId) {
			await db.prepare(sql.DROP_TRAIT).bind(traitId).run();
		},
		async dropSegment(segmentId) {
			await db.prepare(sql.DROP_SEGMENT).bind(segmentId).run();
		},
		async pruneHistory(before) {
			await db.prepare(sql.PRUNE_REMOVALS).bind(before).run();
		},
	};
}

function writeStatements(db: D1Database, source: number, w: TraitWrites, now: number): D1PreparedStatement[] {
	return [
		...slices(w.clear).map((part) => db.prepare(sql.CLEAR_SOURCE_TRAITS).bind(source, JSON.stringify(part))),
		...slices(w.removes).map((part) => db.prepare(sql.REMOVE_TRAITS).bind(JSON.stringify(part))),
		...slices(w.adds).map((part) => db.prepare(sql.ADD_TRAITS).bind(JSON.stringify(part), source, now)),
		...segmentStatements(db, w, now),
	];
}

function segmentStatements(
	db: D1Database,
	changes: Pick<TraitWrites, "enter" | "leave">,
	now: number,
): D1PreparedStatement[] {
	return [
		...slices(changes.enter).map((part) => db.prepare(sql.ENTER_SEGMENTS).bind(JSON.stringify(part), now)),
		...slices(changes.leave).map((part) => db.prepare(sql.LEAVE_SEGMENTS).bind(JSON.stringify(part), now)),
	];
}

/**
 * A page of rows holds whole partner IDs: a full page may stop inside its last ID's rows, so that ID is
 * left to the next page (one ID has at most one row per mapped segment, far below a page).
 */
function wholeIds(rows: MemberRow[], limit: number): MemberPage {
	if (rows.length < limit) return { rows, next: null };
	const last = rows.at(-1)?.dpuuid;
	const kept = rows.filter((r) => r.dpuuid !== last);
	if (kept.length === 0) return { rows, next: last ?? null };
	return { rows: kept, next: kept.at(-1)?.dpuuid ?? null };
}

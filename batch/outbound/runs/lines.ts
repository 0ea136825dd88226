import { byCodePoint } from "../../../core/graph/key-order";
import type { MemberRow } from "../../../core/graph/memberships/types";
import type { PairStore } from "../../../core/graph/store";
import type { Mode } from "../destinations/schema";

/** What a run lists: whose memberships, which segments, and the window of changes (Unix ms). */
export interface LineScope {
	dpid: number;
	segments: readonly number[];
	mode: Mode;
	/** iter: changes after this time (0 = first run: everyone in a segment, no removals). */
	since: number;
	/** Membership as of this time; changes after it belong to the next run. */
	until: number;
}

/** Where a run's listing stands: opt-out removals first (iter only), then paired users, by partner ID. */
export interface Cursor {
	phase: "removed" | "paired";
	after: string;
}
export const START: Cursor = { phase: "removed", after: "" };

export interface Entry {
	dpuuid: string;
	line: string;
}
export interface Page {
	phase: Cursor["phase"];
	entries: Entry[];
	/** Where the listing goes on after this page; null when it is done. */
	next: Cursor | null;
}

const PAGE_ROWS = 10_000;

/**
 * The run's lines in pages, from `from` on, read through the graph store (D1 or the shards): every
 * member for a full run, the IDs changed in the window for an iter run (the shards' change logs). Each
 * entry is one partner user ID and a page holds whole IDs, so a cursor after any entry is exact. Every
 * page read is yielded, empty ones too (each costs a round of shard calls). `through` ends the listing
 * at that partner ID (a full run's window).
 */
export async function* linePages(
	graph: PairStore,
	scope: LineScope,
	from: Cursor,
	through: string | null = null,
): AsyncGenerator<Page> {
	const baseline = isBaseline(scope);
	let cursor = from;
	if (cursor.phase === "removed" && baseline) cursor = { phase: "paired", after: "" };
	for (;;) {
		const query = { dpid: scope.dpid, segments: scope.segments, after: cursor.after, limit: PAGE_ROWS };
		const window = { since: scope.since, until: scope.until };
		const page =
			cursor.phase === "removed"
				? await graph.removalPage({ ...query, ...window })
				: baseline
					? await graph.memberPage({ ...query, endedAfter: scope.until })
					: await graph.changedMemberPage({ ...query, ...window });
		const entries = groupByPartnerId(page.rows).flatMap((g) => {
			if (through !== null && byCodePoint(g.dpuuid, through) > 0) return [];
			const line = cursor.phase === "removed" ? removalLine(g) : memberLine(g, scope, baseline);
			return line === null ? [] : [{ dpuuid: g.dpuuid, line }];
		});
		const pastWindow = through !== null && (page.next === null || byCodePoint(page.next, through) >= 0);
		const next: Cursor | null =
			page.next !== null && !pastWindow
				? { phase: cursor.phase, after: page.next }
				: cursor.phase === "removed"
					? { phase: "paired", after: "" }
					: null;
		yield { phase: cursor.phase, entries, next };
		if (next === null) return;
		cursor = next;
	}
}

/**
 * At least as many as the run's lines, counted where the graph is (no rows move): every line comes from
 * a partner ID the member listing reads, or from an opt-out removal in the window.
 */
export function lineBound(graph: PairStore, scope: LineScope): Promise<number> {
	const baseline = isBaseline(scope);
	return graph.listingBound({
		dpid: scope.dpid,
		segments: scope.segments,
		endedAfter: baseline ? scope.until : scope.since,
		window: baseline ? null : { since: scope.since, until: scope.until },
	});
}

/** Full runs, and an iter destination's first run, list memberships only: no window, no removals. */
export function isBaseline(scope: LineScope): boolean {
	return scope.mode === "full" || scope.since === 0;
}

interface Group {
	dpuuid: string;
	rows: MemberRow[];
}

function groupByPartnerId(rows: readonly MemberRow[]): Group[] {
	const groups: Group[] = [];
	for (const row of rows) {
		const last = groups.at(-1);
		if (last?.dpuuid === row.dpuuid) last.rows.push(row);
		else groups.push({ dpuuid: row.dpuuid, rows: [row] });
	}
	return groups;
}

/** SPEC §6 default line: ID, segments, and (when any) removed segments, each list comma-separated. */
export function formatLine(dpuuid: string, segments: readonly number[], removed: readonly number[]): string {
	const ids = (list: readonly number[]) => [...list].sort((a, b) => a - b).join(",");
	return removed.length > 0 ? `${dpuuid}\t${ids(segments)}\t${ids(removed)}` : `${dpuuid}\t${ids(segments)}`;
}

function memberLine(g: Group, scope: LineScope, baseline: boolean): string | null {
	const isCurrent = (r: MemberRow) => r.entered_at <= scope.until && (r.left_at === null || r.left_at > scope.until);
	const current = g.rows.filter(isCurrent);
	if (baseline) return current.length > 0 ? formatLine(g.dpuuid, current.map(segmentOf), []) : null;
	const removed = g.rows.filter((r) => r.left_at !== null && r.left_at > scope.since && r.left_at <= scope.until);
	const pairedAt = g.rows[0]?.since ?? 0;
	const pairIsNew = pairedAt > scope.since && pairedAt <= scope.until;
	const changed =
		removed.length > 0 || (current.length > 0 && (pairIsNew || current.some((r) => r.entered_at > scope.since)));
	return changed ? formatLine(g.dpuuid, current.map(segmentOf), removed.map(segmentOf)) : null;
}

/**
 * An opted-out partner ID: listed once as removed from every mapped segment it may still hold (those it
 * entered before the opt-out and had not left before the window).
 */
function removalLine(g: Group): string | null {
	const removed = g.rows.filter((r) => r.entered_at <= r.since);
	return removed.length > 0 ? formatLine(g.dpuuid, [], removed.map(segmentOf)) : null;
}

const segmentOf = (r: MemberRow) => r.segment_id;

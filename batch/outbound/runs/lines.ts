import { byCodePoint } from "../../../core/graph/key-order";
import type { MemberRow } from "../../../core/graph/memberships/types";
import type { PairStore } from "../../../core/graph/store";
import type { Mode } from "../destinations/schema";
import { type CompiledTemplate, compileTemplate } from "../template/compile";
import type { FileFacts, LineFacts, SegmentFact, TraitFact } from "../template/macros";

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

/** How a run writes each line: the destination's template (plain data, persisted in the run's plan). */
export interface RunTemplate {
	source: string;
	/**
	 * What TRAIT_LIST may name, per mapped segment: the traits its rule names outside any NOT. A member's
	 * list holds those of the segments it is in now, so it says nothing membership does not imply.
	 */
	traitsBySegment: Readonly<Record<string, readonly number[]>>;
	file: FileFacts;
}

/**
 * One listed partner ID and its line. `line` is null when the ID cannot be written in the template's
 * layout (template/compile.ts, `unwritableIn`): no line, but the entry stays, so the ID is counted
 * once, by the file whose listing passes it, and a cursor after it is exact.
 */
export interface Entry {
	dpuuid: string;
	line: string | null;
	/** Partner IDs left out at this entry: its own (line null), or those dropped from its DP_UUID_LIST. */
	unwritableIds: number;
}
export interface Page {
	phase: Cursor["phase"];
	entries: Entry[];
	/** Where the listing goes on after this page; null when it is done. */
	next: Cursor | null;
}

/** What one outbound step reads: at most `pages` listing pages of about `pageIds` partner IDs each. */
export interface ListingReads {
	pages: number;
	pageIds: number;
}

/**
 * The run's lines in pages, from `from` on, read through the graph store (D1 or the shards): every
 * member for a full run, the IDs changed in the window for an iter run (the shards' change logs). Each
 * entry is one partner user ID and a page holds whole IDs, so a cursor after any entry is exact. Every
 * page read is yielded, empty ones too (each costs a round of shard calls), and asks for about `pageIds`
 * partner IDs. `through` ends the listing at that partner ID (a full run's window).
 */
export async function* linePages(
	graph: PairStore,
	scope: LineScope,
	template: RunTemplate,
	from: Cursor,
	pageIds: number,
	through: string | null = null,
): AsyncGenerator<Page> {
	const baseline = isBaseline(scope);
	const compiled = compileTemplate(template.source, "line");
	let cursor = from;
	if (cursor.phase === "removed" && baseline) cursor = { phase: "paired", after: "" };
	for (;;) {
		const query = { dpid: scope.dpid, segments: scope.segments, after: cursor.after, limit: pageIds };
		const window = { since: scope.since, until: scope.until };
		const page =
			cursor.phase === "removed"
				? await graph.removalPage({ ...query, ...window })
				: baseline
					? await graph.memberPage({ ...query, endedAfter: scope.until })
					: await graph.changedMemberPage({ ...query, ...window });
		const members = groupByPartnerId(page.rows).flatMap((g) => {
			if (through !== null && byCodePoint(g.dpuuid, through) > 0) return [];
			const member = cursor.phase === "removed" ? removalOf(g) : memberOf(g, scope, baseline);
			return member === null ? [] : [member];
		});
		const entries = await render(graph, compiled, template, members);
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
 * The page's lines as the template writes them; a member it writes as nothing gets no entry, one whose
 * partner ID it cannot write gets an entry without a line. The partner's other IDs and the visitor's
 * traits are fetched (one call per shard and page) only when the template names them.
 */
async function render(
	graph: PairStore,
	compiled: CompiledTemplate,
	template: RunTemplate,
	members: readonly Member[],
): Promise<Entry[]> {
	const { dpuuidList, traits } = compiled.needs;
	const visitors = [...new Set(members.map((m) => m.uuid).filter((u) => u !== ""))];
	const shareable = traits ? [...new Set(Object.values(template.traitsBySegment).flat())] : [];
	const extras =
		(dpuuidList || traits) && visitors.length > 0
			? await graph.lineFacts({ dpid: template.file.dpid, uuids: visitors, traits: shareable })
			: [];
	const extraOf = new Map(extras.map((f) => [f.uuid, f]));
	return members.flatMap((m): Entry[] => {
		const extra = extraOf.get(m.uuid);
		const facts: LineFacts = {
			...m,
			dpuuids: extra?.dpuuids ?? [],
			traits: traits ? impliedTraits(m, extra?.traits ?? [], template.traitsBySegment) : [],
		};
		const { text, unwritableIds } = compiled.writeLine(template.file, facts);
		if (text !== null && text !== "") return [{ dpuuid: m.dpuuid, line: text, unwritableIds }];
		return unwritableIds > 0 ? [{ dpuuid: m.dpuuid, line: null, unwritableIds }] : [];
	});
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

/** The member's traits that the segments it is in now name outside any NOT. */
function impliedTraits(
	m: Member,
	held: ReadonlyArray<{ traitId: number; realizedAt: number }>,
	bySegment: Readonly<Record<string, readonly number[]>>,
): TraitFact[] {
	const implied = new Set(m.segments.flatMap((s) => bySegment[s.id] ?? []));
	return held.filter((t) => implied.has(t.traitId)).map((t) => ({ id: t.traitId, realizedAt: t.realizedAt }));
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

/** A listed partner ID and the segments its line names, before the template writes it. */
interface Member {
	dpuuid: string;
	uuid: string;
	segments: SegmentFact[];
	removed: SegmentFact[];
}

function memberOf(g: Group, scope: LineScope, baseline: boolean): Member | null {
	const isCurrent = (r: MemberRow) => r.entered_at <= scope.until && (r.left_at === null || r.left_at > scope.until);
	const current = g.rows.filter(isCurrent);
	const uuid = g.rows[0]?.uuid ?? "";
	const segments = facts(current, (r) => r.entered_at);
	if (baseline) return current.length > 0 ? { dpuuid: g.dpuuid, uuid, segments, removed: [] } : null;
	const left = g.rows.filter((r) => r.left_at !== null && r.left_at > scope.since && r.left_at <= scope.until);
	const pairedAt = g.rows[0]?.since ?? 0;
	const pairIsNew = pairedAt > scope.since && pairedAt <= scope.until;
	const changed =
		left.length > 0 || (current.length > 0 && (pairIsNew || current.some((r) => r.entered_at > scope.since)));
	return changed ? { dpuuid: g.dpuuid, uuid, segments, removed: facts(left, (r) => r.left_at ?? 0) } : null;
}

/**
 * An opted-out partner ID: listed once as removed from every mapped segment it may still hold (those it
 * entered before the opt-out and had not left before the window). Its line names no visitor: the pair
 * is gone.
 */
function removalOf(g: Group): Member | null {
	const removed = facts(
		g.rows.filter((r) => r.entered_at <= r.since),
		(r) => r.since,
	);
	return removed.length > 0 ? { dpuuid: g.dpuuid, uuid: "", segments: [], removed } : null;
}

function facts(rows: readonly MemberRow[], changedAt: (r: MemberRow) => number): SegmentFact[] {
	return rows
		.map((r) => ({ id: r.segment_id, enteredAt: r.entered_at, changedAt: changedAt(r) }))
		.sort((a, b) => a.id - b.id);
}

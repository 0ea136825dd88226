import type { PairStore } from "../../../core/graph/store";
import { type Cursor, isBaseline, type ListingReads, lineBound, linePages, START } from "./lines";
import { type RunPlan, runTemplateOf } from "./plan";

/** A full run's file: the partner IDs in (after, through]; through null: to the end. */
export interface FileWindow {
	after: string;
	through: string | null;
}

/**
 * A full run's files, named before any is written: the partner's ID space cut into windows of at most
 * the split size, where the graph is (no row moves; on the shards each partner-ID shard samples its keys).
 * Lines stay sorted by partner ID across the files. One window, so no SPLITNUM, when the run fits one file.
 */
export async function planWindows(graph: PairStore, plan: RunPlan): Promise<FileWindow[]> {
	const { dpid, segments, until } = plan.scope;
	const cuts = await graph.listingCuts({ dpid, segments, endedAfter: until, most: plan.splitLines });
	return [...cuts, null].map((through, i) => ({ after: cuts[i - 1] ?? "", through }));
}

/** Where an iter run's split check stands; `next` null once it is settled. */
export interface SplitCount {
	lines: number;
	next: Cursor | null;
}

/**
 * One step of an iter run's split check (its files are cut by lines as the listing goes, so only
 * whether there will be more than one is needed before the first is named). A bound counted where the
 * graph is settles every run that clearly fits one file; any other is counted, `reads.pages` listing
 * pages per step, up to one line past the split size.
 */
export async function countStep(
	graph: PairStore,
	plan: RunPlan,
	at: SplitCount,
	reads: ListingReads,
): Promise<SplitCount> {
	if (isBaseline(plan.scope)) throw new Error("full runs are cut by windows, not counted");
	if (at.next === null) return at;
	const first = at.next.phase === START.phase && at.next.after === START.after && at.lines === 0;
	if (first && (await lineBound(graph, plan.scope)) <= plan.splitLines) return { lines: 0, next: null };
	let { lines } = at;
	let read = 0;
	for await (const page of linePages(graph, plan.scope, runTemplateOf(plan), at.next, reads.pageIds)) {
		lines += page.entries.filter((e) => e.line !== null).length;
		read++;
		if (lines > plan.splitLines || page.next === null) return { lines, next: null };
		if (read >= reads.pages) return { lines, next: page.next };
	}
	return { lines, next: null };
}

/**
 * Listing pages one outbound step may read (docs/storage.md): a page calls every partner-ID shard and
 * every visitor shard; an iter page calls the visitor shards twice (their change logs, then the
 * memberships), and a template that names the partner's other IDs or the visitor's traits once more.
 */
export function pagesPerStep(
	settings: {
		outboundStepSubrequests: number;
		visitorShardCount: number;
		partnerIdShardCount: number;
	},
	page: { iter: boolean; templateReadsVisitors: boolean } = { iter: false, templateReadsVisitors: false },
): number {
	const visitorRounds = 1 + (page.iter ? 1 : 0) + (page.templateReadsVisitors ? 1 : 0);
	const visitorCalls = settings.visitorShardCount * visitorRounds;
	const callsPerPage = visitorCalls + settings.partnerIdShardCount;
	return Math.max(1, Math.floor(settings.outboundStepSubrequests / callsPerPage));
}

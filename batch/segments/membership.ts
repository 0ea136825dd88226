import { evaluate } from "./rule";
import type { Segment } from "./schema";
import { activeSegmentsOfUsers, type Membership, membershipStatements, traitsOfUsers } from "./store";

/**
 * Which users enter and leave which segments, given their traits after a change and the segments they
 * are in now. Pure, so the inbound chunk step can write the result in the same transaction as the trait
 * changes that caused it (exactly once, like the rest of the chunk).
 */
export function segmentChanges(
	segments: readonly Segment[],
	traitsAfter: ReadonlyMap<string, ReadonlySet<number>>,
	active: ReadonlySet<string>,
): { enter: Membership[]; leave: Membership[] } {
	const enter: Membership[] = [];
	const leave: Membership[] = [];
	for (const [uuid, traits] of traitsAfter) {
		for (const segment of segments) {
			const isIn = evaluate(segment.tree, traits);
			const wasIn = active.has(activeKey(segment.id, uuid));
			if (isIn && !wasIn) enter.push([segment.id, uuid]);
			else if (!isIn && wasIn) leave.push([segment.id, uuid]);
		}
	}
	return { enter, leave };
}

export function activeKey(segmentId: number, uuid: string): string {
	return `${segmentId} ${uuid}`;
}

/**
 * The segment entries and exits caused by a chunk's trait changes, as statements for the chunk's own
 * transaction: reads the affected users' traits and segments, applies the chunk's effects in memory
 * (an .overwrite first drops the users' traits of `traitSource`), and evaluates every segment.
 */
export async function segmentStatementsAfter(
	db: D1Database,
	segments: readonly Segment[],
	change: {
		traitSource: number;
		cleared: readonly string[];
		effects: ReadonlyArray<{ uuid: string; trait: number; add: boolean }>;
	},
	now: number,
): Promise<D1PreparedStatement[]> {
	const users = [...new Set([...change.cleared, ...change.effects.map((e) => e.uuid)])];
	if (segments.length === 0 || users.length === 0) return [];
	const [traitRows, activeRows] = await Promise.all([traitsOfUsers(db, users), activeSegmentsOfUsers(db, users)]);
	const cleared = new Set(change.cleared);
	const after = new Map(users.map((u) => [u, new Set<number>()]));
	for (const r of traitRows) {
		if (!(cleared.has(r.uuid) && r.dpid === change.traitSource)) after.get(r.uuid)?.add(r.trait_id);
	}
	for (const e of change.effects) {
		if (e.add) after.get(e.uuid)?.add(e.trait);
		else after.get(e.uuid)?.delete(e.trait);
	}
	const active = new Set(activeRows.map((r) => activeKey(r.segment_id, r.uuid)));
	return membershipStatements(db, segmentChanges(segments, after, active), now);
}

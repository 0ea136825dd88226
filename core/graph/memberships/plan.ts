import { evaluate, type SegmentDef } from "./segment-rule";
import type { HeldTrait, Membership, TraitChange, VisitorMemberships } from "./types";

/** The writes a trait change makes, decided from what the users hold now (pure: both stores use it). */
export interface TraitWrites {
	/** Users whose traits of the source go first (an .overwrite). */
	clear: string[];
	removes: Array<[uuid: string, traitId: number]>;
	adds: Array<[uuid: string, traitId: number]>;
	enter: Membership[];
	leave: Membership[];
	removedByOverwrite: number;
}

/**
 * Decides a trait change: the users' traits after it (an .overwrite first drops the source's traits of
 * its users), what the .overwrite took away, and every segment entered or left because of it.
 * `held` is every trait of the change's users; `active` their segments now (activeKey).
 */
export function planTraitChange(
	change: TraitChange,
	held: readonly HeldTrait[],
	active: ReadonlySet<string>,
	segments: readonly SegmentDef[],
): TraitWrites {
	const clear = change.cleared.map((c) => c.uuid);
	const cleared = new Set(clear);
	const after = new Map<string, Set<number>>(
		[...cleared, ...change.effects.map((e) => e.uuid)].map((u) => [u, new Set()]),
	);
	let removedByOverwrite = 0;
	const keep = new Map(change.cleared.map((c) => [c.uuid, new Set(c.keep)]));
	for (const t of held) {
		const replaced = cleared.has(t.uuid) && t.dpid === change.source;
		if (!replaced) after.get(t.uuid)?.add(t.traitId);
		else if (!keep.get(t.uuid)?.has(t.traitId)) removedByOverwrite++;
	}
	const removes: TraitWrites["removes"] = [];
	const adds: TraitWrites["adds"] = [];
	for (const e of change.effects) {
		if (e.add) {
			after.get(e.uuid)?.add(e.trait);
			adds.push([e.uuid, e.trait]);
		} else {
			after.get(e.uuid)?.delete(e.trait);
			removes.push([e.uuid, e.trait]);
		}
	}
	return { clear, removes, adds, removedByOverwrite, ...segmentChanges(segments, after, active) };
}

/** Which users enter and leave which segments, given their traits now and the segments they are in. */
export function segmentChanges(
	segments: readonly SegmentDef[],
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

/** Every user's traits, from rows of held traits (users holding none get an empty set). */
export function traitsByUser(users: readonly string[], held: readonly HeldTrait[]): Map<string, Set<number>> {
	const out = new Map(users.map((u) => [u, new Set<number>()]));
	for (const t of held) out.get(t.uuid)?.add(t.traitId);
	return out;
}

/** The change without the visitors in `refused` (opted out: nothing is ever written for them). */
export function withoutVisitors(change: TraitChange, refused: (uuid: string) => boolean): TraitChange {
	return {
		...change,
		cleared: change.cleared.filter((c) => !refused(c.uuid)),
		effects: change.effects.filter((e) => !refused(e.uuid)),
	};
}

/** The visitors a change touches. */
export function usersOf(change: TraitChange): string[] {
	// A loop, not spread arrays: a visitor shard asks this of every part of every group it applies.
	const users = new Set<string>();
	for (const c of change.cleared) users.add(c.uuid);
	for (const e of change.effects) users.add(e.uuid);
	return [...users];
}

/** A visitor's memberships as both stores read them (snake_case rows), in id order. */
export function membershipsFromRows(
	traits: ReadonlyArray<{ trait_id: number; dpid: number }>,
	segmentRows: ReadonlyArray<{ segment_id: number; entered_at: number; left_at: number | null }>,
): VisitorMemberships {
	const history = [...segmentRows].sort((a, b) => a.segment_id - b.segment_id);
	return {
		traits: traits.map((t) => ({ traitId: t.trait_id, dpid: t.dpid })).sort((a, b) => a.traitId - b.traitId),
		segments: history.filter((r) => r.left_at === null).map((r) => r.segment_id),
		segmentHistory: history.map((r) => ({ segmentId: r.segment_id, enteredAt: r.entered_at, leftAt: r.left_at })),
	};
}

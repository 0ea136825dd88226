import type { PairEvent } from "../pair-event";

export interface MappingState {
	uuid: string;
	first_seen: number;
	last_seen: number;
	paired_at: number;
}

/**
 * The pure rule of a partner ID's mapping, the same as the D1 reference's upsert: the newest sighting
 * decides the visitor (`paired_at` marks a move), first/last seen widen, and nothing is written for
 * a refresh of the same visitor less than `refreshAfterMs` after the stored `last_seen`.
 * Returns the row to write, or null when nothing changes.
 */
export function decideMapping(
	before: MappingState | null,
	event: PairEvent,
	now: number,
	refreshAfterMs: number,
): MappingState | null {
	if (!before) return { uuid: event.uuid, first_seen: event.at, last_seen: event.at, paired_at: now };
	const newer = event.at >= before.last_seen;
	const moves = newer && event.uuid !== before.uuid;
	const refreshes = event.at >= before.last_seen + refreshAfterMs;
	const older = event.at < before.first_seen;
	if (!moves && !refreshes && !older) return null;
	return {
		uuid: moves ? event.uuid : before.uuid,
		paired_at: moves ? now : before.paired_at,
		first_seen: Math.min(before.first_seen, event.at),
		last_seen: Math.max(before.last_seen, event.at),
	};
}

/**
 * Merging a mapping copied from D1 into what the shard holds (which dual writes may have made newer):
 * the one seen last keeps the visitor (a tie keeps the shard's), first/last seen widen. Null when the
 * shard's row already says it all.
 */
export function mergeCopiedMapping(before: MappingState | null, copied: MappingState): MappingState | null {
	if (!before) return copied;
	const copiedIsNewer = copied.last_seen > before.last_seen;
	const merged = {
		uuid: copiedIsNewer ? copied.uuid : before.uuid,
		paired_at: copiedIsNewer ? copied.paired_at : before.paired_at,
		first_seen: Math.min(before.first_seen, copied.first_seen),
		last_seen: Math.max(before.last_seen, copied.last_seen),
	};
	const same =
		merged.uuid === before.uuid &&
		merged.paired_at === before.paired_at &&
		merged.first_seen === before.first_seen &&
		merged.last_seen === before.last_seen;
	return same ? null : merged;
}

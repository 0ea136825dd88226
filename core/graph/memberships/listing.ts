import { byCodePoint } from "../key-order";
import type { MemberRow, VisitorLineFacts } from "./types";

/**
 * Keeps the rows of the partner IDs whose iter line may have changed in (since, until]: paired in the
 * window, or holding a membership entered or left in it. Both stores filter their iter listings with it,
 * so they list the same IDs whatever each read to find them.
 */
export function changedInWindow(rows: readonly MemberRow[], since: number, until: number): MemberRow[] {
	const inWindow = (t: number | null) => t !== null && t > since && t <= until;
	const changed = new Set<string>();
	for (const r of rows) {
		if (inWindow(r.since) || inWindow(r.entered_at) || inWindow(r.left_at)) changed.add(r.dpuuid);
	}
	return rows.filter((r) => changed.has(r.dpuuid));
}

export type PartnerIdOfUser = {
	uuid: string;
	dpuuid: string;
};
export type RealizedTraitRow = {
	uuid: string;
	trait_id: number;
	realized_at: number;
};

/**
 * The most IDs of one partner a template's DP_UUID_LIST names for a visitor (the first in key order):
 * every one of those IDs gets its own line, so an uncapped list would grow a file with the square of
 * the IDs a partner syncs for one visitor. AAM caps its DPUUIDS macro the same way (`maxMappings`).
 */
export const MAX_IDS_PER_LINE = 100;

/** Both stores' answer to `lineFacts`: one entry per asked visitor, in the order asked, lists ascending. */
export function assembleLineFacts(
	uuids: readonly string[],
	ids: readonly PartnerIdOfUser[],
	traits: readonly RealizedTraitRow[],
): VisitorLineFacts[] {
	const facts = new Map<string, VisitorLineFacts>(uuids.map((uuid) => [uuid, { uuid, dpuuids: [], traits: [] }]));
	for (const r of ids) facts.get(r.uuid)?.dpuuids.push(r.dpuuid);
	for (const r of traits) facts.get(r.uuid)?.traits.push({ traitId: r.trait_id, realizedAt: r.realized_at });
	return [...facts.values()].map((f) => ({
		uuid: f.uuid,
		dpuuids: f.dpuuids.sort(byCodePoint).slice(0, MAX_IDS_PER_LINE),
		traits: f.traits.sort((a, b) => a.traitId - b.traitId),
	}));
}

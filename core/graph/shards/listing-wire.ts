import type { ListedId } from "./partner-id-listing";
import type { SegmentRow } from "./visitor-membership-queries";

/**
 * What the shards answer an outbound listing, as it crosses RPC: parallel lists instead of one object
 * per row. A full run of 1,000,000 members brings back a million listed IDs from the partner-ID shards
 * and a million visitors' segment rows from the visitor shards, and structured clone copies lists of
 * strings and numbers several times faster than as many small objects (trait-part.ts gives the figures).
 */
export interface PackedIds {
	dpuuids: string[];
	uuids: string[];
	since: number[];
}

export function packIds(ids: readonly ListedId[]): PackedIds {
	return { dpuuids: ids.map((i) => i.dpuuid), uuids: ids.map((i) => i.uuid), since: ids.map((i) => i.since) };
}

export function unpackIds(packed: PackedIds): ListedId[] {
	return packed.dpuuids.map((dpuuid, i) => ({
		dpuuid,
		uuid: packed.uuids[i] as string,
		since: packed.since[i] as number,
	}));
}

/**
 * Each asked visitor's segment rows, in the order asked: `counts[v]` rows of visitor v, one after another
 * in the three row lists. The asker knows the visitors, so they do not travel back.
 */
export interface PackedSegmentRows {
	counts: number[];
	segment: number[];
	entered: number[];
	left: Array<number | null>;
}

export function packSegmentRows(perVisitor: ReadonlyArray<readonly SegmentRow[]>): PackedSegmentRows {
	const packed: PackedSegmentRows = { counts: [], segment: [], entered: [], left: [] };
	for (const rows of perVisitor) {
		packed.counts.push(rows.length);
		for (const r of rows) {
			packed.segment.push(r.segment_id);
			packed.entered.push(r.entered_at);
			packed.left.push(r.left_at);
		}
	}
	return packed;
}

/** The rows of each visitor of `uuids` (the list the shard was asked about, in that order). */
export function unpackSegmentRows(uuids: readonly string[], packed: PackedSegmentRows): Map<string, SegmentRow[]> {
	const rowsOf = new Map<string, SegmentRow[]>();
	let at = 0;
	uuids.forEach((uuid, v) => {
		const rows: SegmentRow[] = [];
		for (const end = at + (packed.counts[v] ?? 0); at < end; at++) {
			rows.push({
				segment_id: packed.segment[at] as number,
				entered_at: packed.entered[at] as number,
				left_at: packed.left[at] ?? null,
			});
		}
		rowsOf.set(uuid, rows);
	});
	return rowsOf;
}

import { AAM_DEFAULT_TEMPLATE } from "../template/defaults";
import * as sql from "./queries";
import type { Destination, DestinationInput } from "./schema";

export async function listDestinations(db: D1Database, dpid?: number): Promise<Destination[]> {
	const statement =
		dpid === undefined ? db.prepare(sql.LIST_DESTINATIONS) : db.prepare(sql.LIST_DESTINATIONS_OF).bind(dpid);
	return (await statement.all<sql.DestinationRow>()).results.map(sql.toDestination);
}

export async function findDestination(db: D1Database, id: number): Promise<Destination | null> {
	const row = await db.prepare(sql.GET_DESTINATION).bind(id).first<sql.DestinationRow>();
	return row ? sql.toDestination(row) : null;
}

/**
 * Creates or replaces destination `id`. A replace that changes the partner or the set of segments resets
 * the iter watermark: the next iter run is a first run, listing every member (RESET_WATERMARK_IF_LISTING_CHANGES).
 */
export async function putDestination(
	db: D1Database,
	id: number,
	d: DestinationInput,
	now: number,
): Promise<Destination> {
	const stored = d.template === undefined || d.header === undefined ? await findDestination(db, id) : null;
	const template = d.template ?? stored?.template ?? AAM_DEFAULT_TEMPLATE;
	const header = d.header === undefined ? (stored?.header ?? null) : d.header;
	const segments = JSON.stringify(d.segments);
	// A new partner or set of segments starts the iter watermark over, in the same transaction.
	const [, put] = await db.batch<sql.DestinationRow>([
		db.prepare(sql.RESET_WATERMARK_IF_LISTING_CHANGES).bind(id, d.dpid, segments),
		db
			.prepare(sql.PUT_DESTINATION)
			.bind(
				id,
				d.dpid,
				d.name,
				segments,
				d.mode,
				d.schedule.trim().replace(/\s+/g, " "),
				d.gzip ? 1 : 0,
				d.splitLines,
				JSON.stringify(d.targets),
				now,
				JSON.stringify(d.summaryEmails),
				d.pidAlias,
				template,
				header,
			),
	]);
	const row = put?.results[0];
	if (!row) throw new Error(`destination ${id} was not written`);
	return sql.toDestination(row);
}

export async function deleteDestination(db: D1Database, id: number): Promise<boolean> {
	return ((await db.prepare(sql.DELETE_DESTINATION).bind(id).run()).meta.changes ?? 0) > 0;
}

/** The destinations that map segment `segmentId` (a segment in use cannot be deleted). */
export async function destinationsMapping(db: D1Database, segmentId: number): Promise<number[]> {
	const { results } = await db.prepare(sql.DESTINATIONS_MAPPING).bind(segmentId).all<{ id: number }>();
	return results.map((r) => r.id);
}

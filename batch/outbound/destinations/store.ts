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

export async function putDestination(
	db: D1Database,
	id: number,
	d: DestinationInput,
	now: number,
): Promise<Destination> {
	const stored = d.template === undefined || d.header === undefined ? await findDestination(db, id) : null;
	const template = d.template ?? stored?.template ?? AAM_DEFAULT_TEMPLATE;
	const header = d.header === undefined ? (stored?.header ?? null) : d.header;
	const row = await db
		.prepare(sql.PUT_DESTINATION)
		.bind(
			id,
			d.dpid,
			d.name,
			JSON.stringify(d.segments),
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
		)
		.first<sql.DestinationRow>();
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

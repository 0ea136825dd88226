import { type Destination, type DestinationInput, DestinationSchema } from "./destination";

interface DestinationRow {
	id: number;
	dpid: number;
	name: string;
	segments: string;
	mode: "full" | "iter";
	schedule: string;
	gzip: number;
	split_lines: number;
	delivery: string;
	summary_emails: string;
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	"id, dpid, name, segments, mode, schedule, gzip, split_lines, delivery, summary_emails, created_at, updated_at";

function toDestination(row: DestinationRow): Destination {
	return DestinationSchema.parse({
		id: row.id,
		dpid: row.dpid,
		name: row.name,
		segments: JSON.parse(row.segments),
		mode: row.mode,
		schedule: row.schedule,
		gzip: row.gzip === 1,
		splitLines: row.split_lines,
		delivery: JSON.parse(row.delivery),
		summaryEmails: JSON.parse(row.summary_emails),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	});
}

export async function listDestinations(db: D1Database, dpid?: number): Promise<Destination[]> {
	const statement =
		dpid === undefined
			? db.prepare(`SELECT ${COLUMNS} FROM destinations ORDER BY id`)
			: db.prepare(`SELECT ${COLUMNS} FROM destinations WHERE dpid = ?1 ORDER BY id`).bind(dpid);
	return (await statement.all<DestinationRow>()).results.map(toDestination);
}

export async function getDestination(db: D1Database, id: number): Promise<Destination | null> {
	const row = await db.prepare(`SELECT ${COLUMNS} FROM destinations WHERE id = ?1`).bind(id).first<DestinationRow>();
	return row ? toDestination(row) : null;
}

export async function putDestination(
	db: D1Database,
	id: number,
	d: DestinationInput,
	now: number,
): Promise<Destination> {
	const row = await db
		.prepare(
			`INSERT INTO destinations (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?10, ?10)
			 ON CONFLICT (id) DO UPDATE SET dpid = ?2, name = ?3, segments = ?4, mode = ?5, schedule = ?6, gzip = ?7,
			   split_lines = ?8, delivery = ?9, summary_emails = ?11, updated_at = ?10
			 RETURNING ${COLUMNS}`,
		)
		.bind(
			id,
			d.dpid,
			d.name,
			JSON.stringify(d.segments),
			d.mode,
			d.schedule.trim().replace(/\s+/g, " "),
			d.gzip ? 1 : 0,
			d.splitLines,
			JSON.stringify(d.delivery),
			now,
			JSON.stringify(d.summaryEmails),
		)
		.first<DestinationRow>();
	if (!row) throw new Error(`destination ${id} was not written`);
	return toDestination(row);
}

export async function deleteDestination(db: D1Database, id: number): Promise<boolean> {
	return ((await db.prepare("DELETE FROM destinations WHERE id = ?1").bind(id).run()).meta.changes ?? 0) > 0;
}

/** The destinations that map segment `segmentId` (a segment in use cannot be deleted). */
export async function destinationsMapping(db: D1Database, segmentId: number): Promise<number[]> {
	const { results } = await db
		.prepare(
			"SELECT id FROM destinations WHERE EXISTS (SELECT 1 FROM json_each(segments) WHERE value = ?1) ORDER BY id",
		)
		.bind(segmentId)
		.all<{ id: number }>();
	return results.map((r) => r.id);
}

import { type Destination, DestinationSchema, type Mode } from "./schema";

// SQL of outbound destinations (times are Unix ms).

export interface DestinationRow {
	id: number;
	dpid: number;
	name: string;
	/** JSON array of segment ids. */
	segments: string;
	mode: Mode;
	schedule: string;
	gzip: number;
	split_lines: number;
	/** JSON: {https?, s3?} (schema.ts, TargetsSchema). */
	targets: string;
	/** JSON array of addresses. */
	summary_emails: string;
	pid_alias: string | null;
	template: string;
	header: string | null;
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	"id, dpid, name, segments, mode, schedule, gzip, split_lines, targets, summary_emails, pid_alias, template, header, created_at, updated_at";

export const LIST_DESTINATIONS = `SELECT ${COLUMNS} FROM destinations ORDER BY id`;
/** ?1 dpid. */
export const LIST_DESTINATIONS_OF = `SELECT ${COLUMNS} FROM destinations WHERE dpid = ?1 ORDER BY id`;
/** ?1 id. */
export const GET_DESTINATION = `SELECT ${COLUMNS} FROM destinations WHERE id = ?1`;

/**
 * ?1 id, ?2 dpid, ?3 name, ?4 segments JSON, ?5 mode, ?6 schedule, ?7 gzip 0/1, ?8 split lines,
 * ?9 targets JSON, ?10 now, ?11 summary e-mails JSON, ?12 PID alias, ?13 template, ?14 header. Creates or
 * replaces; created_at stays.
 */
export const PUT_DESTINATION = `INSERT INTO destinations (${COLUMNS})
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?12, ?13, ?14, ?10, ?10)
ON CONFLICT (id) DO UPDATE SET dpid = ?2, name = ?3, segments = ?4, mode = ?5, schedule = ?6, gzip = ?7,
	split_lines = ?8, targets = ?9, summary_emails = ?11, pid_alias = ?12, template = ?13, header = ?14, updated_at = ?10
RETURNING ${COLUMNS}`;

/**
 * ?1 id, ?2 dpid, ?3 segments JSON: run just before PUT_DESTINATION, in its transaction. The iter watermark
 * starts over (the next iter run lists every member) unless destination ?1 already exists for partner ?2
 * with the same set of segments: a run lists that partner's IDs in those segments, so a new partner or a
 * new segment would otherwise never get the members it already had.
 */
export const RESET_WATERMARK_IF_LISTING_CHANGES = `UPDATE destination_state SET sent_until = 0
WHERE destination_id = ?1 AND NOT ${listsStill("?1", "?2", "?3")}`;

/**
 * SQL: destination `id` still lists partner `dpid` in exactly the segments of the JSON array `segments`
 * (as a set: order and repeats aside). Both the PUT's watermark reset and a run's watermark advance ask it,
 * so they agree on what "the same listing" is.
 */
export function listsStill(id: string, dpid: string, segments: string): string {
	return `EXISTS (SELECT 1 FROM destinations d WHERE d.id = ${id} AND d.dpid = ${dpid}
		AND NOT EXISTS (SELECT value FROM json_each(d.segments) EXCEPT SELECT value FROM json_each(${segments}))
		AND NOT EXISTS (SELECT value FROM json_each(${segments}) EXCEPT SELECT value FROM json_each(d.segments)))`;
}

/** ?1 id. */
export const DELETE_DESTINATION = "DELETE FROM destinations WHERE id = ?1";

/** ?1 segment id: the destinations that map it. */
export const DESTINATIONS_MAPPING = `SELECT id FROM destinations
WHERE EXISTS (SELECT 1 FROM json_each(segments) WHERE value = ?1) ORDER BY id`;

export function toDestination(row: DestinationRow): Destination {
	return DestinationSchema.parse({
		id: row.id,
		dpid: row.dpid,
		name: row.name,
		segments: JSON.parse(row.segments),
		mode: row.mode,
		schedule: row.schedule,
		gzip: row.gzip === 1,
		splitLines: row.split_lines,
		targets: JSON.parse(row.targets),
		summaryEmails: JSON.parse(row.summary_emails),
		pidAlias: row.pid_alias,
		template: row.template,
		header: row.header,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	});
}

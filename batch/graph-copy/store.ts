import * as sql from "./queries";

/** A graph copy as the admin API shows it. */
export interface GraphCopy {
	id: string;
	startedAt: number;
	finishedAt: number | null;
	phase: string;
	copied: Record<string, number>;
	/** Set when the copy ends: D1's counts beside the shards', and whether they agree. */
	counts: { d1: unknown; shards: unknown; complete: boolean } | null;
}

export async function startCopyRecord(db: D1Database, id: string, at: number): Promise<void> {
	await db.prepare(sql.START_COPY).bind(id, at).run();
}

export async function recordProgress(
	db: D1Database,
	id: string,
	phase: string,
	copied: Record<string, number>,
): Promise<void> {
	await db.prepare(sql.RECORD_PROGRESS).bind(id, phase, JSON.stringify(copied)).run();
}

export async function finishCopy(db: D1Database, id: string, at: number, counts: GraphCopy["counts"]): Promise<void> {
	await db.prepare(sql.FINISH_COPY).bind(id, at, JSON.stringify(counts)).run();
}

export async function getCopy(db: D1Database, id: string | null): Promise<GraphCopy | null> {
	const row = id
		? await db.prepare(sql.GET_COPY).bind(id).first<sql.CopyRow>()
		: await db.prepare(sql.LATEST_COPY).first<sql.CopyRow>();
	if (!row) return null;
	return {
		id: row.id,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		phase: row.phase,
		copied: JSON.parse(row.copied) as Record<string, number>,
		counts: row.counts ? (JSON.parse(row.counts) as GraphCopy["counts"]) : null,
	};
}

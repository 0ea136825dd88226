import * as sql from "./queries";

/** The dashboard's sessions in D1 (worker/dashboard/queries.ts). */
export interface NewSession {
	id: string;
	role: "operator" | "partner";
	dpid: number | null;
	keyId: string | null;
	credential: string | null;
	expiresAt: number;
}

export async function insertSession(db: D1Database, s: NewSession, now: number): Promise<void> {
	await db.batch([
		db.prepare(sql.DELETE_EXPIRED_SESSIONS).bind(now),
		db.prepare(sql.INSERT_SESSION).bind(s.id, s.role, s.dpid, s.keyId, s.credential, now, s.expiresAt),
	]);
}

export function liveSession(db: D1Database, id: string, now: number): Promise<sql.SessionRow | null> {
	return db.prepare(sql.LIVE_SESSION).bind(id, now).first<sql.SessionRow>();
}

export async function deleteSession(db: D1Database, id: string): Promise<void> {
	await db.prepare(sql.DELETE_SESSION).bind(id).run();
}

/** Deletes expired sessions (also for the cron's pruning phase). */
export async function pruneDashboardSessions(db: D1Database, now: number): Promise<void> {
	await db.prepare(sql.DELETE_EXPIRED_SESSIONS).bind(now).run();
}

/** SQL of the dashboard area: its sessions (migrations/0008); the numbers come from worker/stats. */

/** ?1 id, ?2 role, ?3 dpid, ?4 key id, ?5 credential, ?6 now, ?7 expiry. */
export const INSERT_SESSION = `INSERT INTO dashboard_sessions (id, role, dpid, key_id, credential, created_at, expires_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`;

/** ?1 now: sessions that have expired (run at each login, so the table stays small without the cron). */
export const DELETE_EXPIRED_SESSIONS = "DELETE FROM dashboard_sessions WHERE expires_at <= ?1";

/**
 * ?1 id, ?2 now: a live session; a partner session only while its key is neither revoked nor deleted
 * (nor its partner), so revoking a key ends its sessions at the next page.
 */
export const LIVE_SESSION = `SELECT s.id, s.role, s.dpid, s.key_id, s.credential, s.expires_at
FROM dashboard_sessions s
WHERE s.id = ?1 AND s.expires_at > ?2
	AND (s.role = 'operator' OR EXISTS (
		SELECT 1 FROM partner_keys k WHERE k.id = s.key_id AND k.dpid = s.dpid AND k.revoked_at IS NULL))`;
export interface SessionRow {
	id: string;
	role: "operator" | "partner";
	dpid: number | null;
	key_id: string | null;
	credential: string | null;
	expires_at: number;
}

/** ?1 id. */
export const DELETE_SESSION = "DELETE FROM dashboard_sessions WHERE id = ?1";

import type { PartnerKey } from "./partner-key";

/** SQL of the auth area: partner keys (migrations/0001) and the failed-credential throttle (0008). */

export interface KeyRow {
	id: string;
	dpid: number;
	secret_sha256: string;
	label: string;
	created_at: number;
	revoked_at: number | null;
}

export function toKey(row: KeyRow): PartnerKey {
	return { id: row.id, dpid: row.dpid, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

const KEY_COLUMNS = "id, dpid, secret_sha256, label, created_at, revoked_at";

/** ?1 key id, ?2 dpid, ?3 SHA-256 of the secret (hex), ?4 label, ?5 now. */
export const INSERT_KEY = `INSERT INTO partner_keys (id, dpid, secret_sha256, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
RETURNING ${KEY_COLUMNS}`;

/** ?1 dpid. */
export const LIST_KEYS = `SELECT ${KEY_COLUMNS} FROM partner_keys WHERE dpid = ?1 ORDER BY created_at`;

/** ?1 dpid, ?2 key id, ?3 now. */
export const REVOKE_KEY = "UPDATE partner_keys SET revoked_at = ?3 WHERE dpid = ?1 AND id = ?2 AND revoked_at IS NULL";

/** ?1 key id. */
export const KEY_BY_ID = `SELECT ${KEY_COLUMNS} FROM partner_keys WHERE id = ?1`;

/**
 * ?1 client, ?2 now, ?3 the newest window start that has ended (now − window), ?4 most failures per
 * window. Takes one slot for a credential about to be checked, atomically, so concurrent guesses cannot
 * all read "under the limit" at once; a window that has ended starts over. No row back: every slot of
 * the client's window is used.
 */
export const TAKE_SLOT = `INSERT INTO auth_failures (client, window_start, failures) VALUES (?1, ?2, 1)
ON CONFLICT (client) DO UPDATE SET
	failures = CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END,
	window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END
WHERE window_start <= ?3 OR failures < ?4
RETURNING window_start`;
export interface WindowRow {
	window_start: number;
}

/** ?1 client, ?2 its window: a credential that proved good gives its slot back. */
export const GIVE_BACK_SLOT =
	"UPDATE auth_failures SET failures = failures - 1 WHERE client = ?1 AND window_start = ?2 AND failures > 0";

/** ?1 client: when its current window started (for Retry-After). */
export const WINDOW_OF = "SELECT window_start FROM auth_failures WHERE client = ?1";

/** ?1 the newest window start that has ended. */
export const PRUNE_ENDED_WINDOWS = "DELETE FROM auth_failures WHERE window_start <= ?1";

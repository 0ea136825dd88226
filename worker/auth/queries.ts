/** SQL of the failed-credential throttle (migrations/0008_sessions_auth_failures.sql). */

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

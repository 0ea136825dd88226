/** SQL of the dashboard area (sessions only; the numbers come from worker/stats). */

/** ?1 key id, ?2 dpid: a partner session lasts only while its key does. */
export const KEY_STILL_VALID = "SELECT 1 AS ok FROM partner_keys WHERE id = ?1 AND dpid = ?2 AND revoked_at IS NULL";
export interface OkRow {
	ok: number;
}

export async function keyStillValid(db: D1Database, keyId: string, dpid: number): Promise<boolean> {
	return (await db.prepare(KEY_STILL_VALID).bind(keyId, dpid).first<OkRow>()) !== null;
}

import type { PartnerKey } from "./partner-key";
import * as sql from "./queries";

/** Functions over the auth area's statements (worker/auth/queries.ts). */

export async function insertKey(
	db: D1Database,
	key: { id: string; dpid: number; secretSha256: string; label: string },
	now: number,
): Promise<sql.KeyRow | null> {
	return db.prepare(sql.INSERT_KEY).bind(key.id, key.dpid, key.secretSha256, key.label, now).first<sql.KeyRow>();
}

export async function listPartnerKeys(db: D1Database, dpid: number): Promise<PartnerKey[]> {
	const { results } = await db.prepare(sql.LIST_KEYS).bind(dpid).all<sql.KeyRow>();
	return results.map(sql.toKey);
}

export async function revokePartnerKey(db: D1Database, dpid: number, id: string, now: number): Promise<boolean> {
	const result = await db.prepare(sql.REVOKE_KEY).bind(dpid, id, now).run();
	return result.meta.changes > 0;
}

export function keyById(db: D1Database, id: string): Promise<sql.KeyRow | null> {
	return db.prepare(sql.KEY_BY_ID).bind(id).first<sql.KeyRow>();
}

/** The window start of the slot taken, or null when the client has none left (see failure-throttle.ts). */
export async function takeSlot(
	db: D1Database,
	client: string,
	now: number,
	ended: number,
	max: number,
): Promise<number | null> {
	const row = await db.prepare(sql.TAKE_SLOT).bind(client, now, ended, max).first<sql.WindowRow>();
	return row?.window_start ?? null;
}

export async function giveBackSlot(db: D1Database, client: string, windowStart: number): Promise<void> {
	await db.prepare(sql.GIVE_BACK_SLOT).bind(client, windowStart).run();
}

export async function windowStartOf(db: D1Database, client: string): Promise<number | null> {
	return (await db.prepare(sql.WINDOW_OF).bind(client).first<sql.WindowRow>())?.window_start ?? null;
}

export async function deleteEndedWindows(db: D1Database, ended: number): Promise<void> {
	await db.prepare(sql.PRUNE_ENDED_WINDOWS).bind(ended).run();
}

import { randomToken, secretsEqual, sha256Hex } from "../../core/crypto";

/**
 * Partner API keys: `es_<key id>_<secret>`. Only the SHA-256 of the secret is stored; the key id
 * finds the row, and the secret is compared in constant time.
 */
export interface PartnerKey {
	id: string;
	dpid: number;
	label: string;
	createdAt: number;
	revokedAt: number | null;
}

interface KeyRow {
	id: string;
	dpid: number;
	secret_sha256: string;
	label: string;
	created_at: number;
	revoked_at: number | null;
}

const KEY_FORMAT = /^es_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function toKey(row: KeyRow): PartnerKey {
	return { id: row.id, dpid: row.dpid, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

/** Creates a key; the returned `secret` (the whole key) is shown once and never stored. */
export async function createPartnerKey(
	db: D1Database,
	dpid: number,
	label: string,
	now: number,
): Promise<{ key: PartnerKey; secret: string }> {
	const id = randomToken(12).replace(/[-_]/g, "").slice(0, 12).padEnd(12, "0");
	const secretPart = randomToken(32);
	const row = await db
		.prepare(
			`INSERT INTO partner_keys (id, dpid, secret_sha256, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
			 RETURNING id, dpid, secret_sha256, label, created_at, revoked_at`,
		)
		.bind(id, dpid, await sha256Hex(secretPart), label, now)
		.first<KeyRow>();
	if (!row) throw new Error("partner key was not written");
	return { key: toKey(row), secret: `es_${id}_${secretPart}` };
}

export async function listPartnerKeys(db: D1Database, dpid: number): Promise<PartnerKey[]> {
	const { results } = await db
		.prepare(
			"SELECT id, dpid, secret_sha256, label, created_at, revoked_at FROM partner_keys WHERE dpid = ?1 ORDER BY created_at",
		)
		.bind(dpid)
		.all<KeyRow>();
	return results.map(toKey);
}

export async function revokePartnerKey(db: D1Database, dpid: number, id: string, now: number): Promise<boolean> {
	const result = await db
		.prepare("UPDATE partner_keys SET revoked_at = ?3 WHERE dpid = ?1 AND id = ?2 AND revoked_at IS NULL")
		.bind(dpid, id, now)
		.run();
	return result.meta.changes > 0;
}

/** The DPID a presented key acts for, or null for a malformed, unknown or revoked key. */
export async function partnerOfKey(db: D1Database, presented: string): Promise<number | null> {
	const m = KEY_FORMAT.exec(presented);
	if (!m) return null;
	const [, id, secretPart = ""] = m;
	const row = await db
		.prepare("SELECT id, dpid, secret_sha256, label, created_at, revoked_at FROM partner_keys WHERE id = ?1")
		.bind(id)
		.first<KeyRow>();
	if (!row || row.revoked_at !== null) return null;
	return (await secretsEqual(await sha256Hex(secretPart), row.secret_sha256)) ? row.dpid : null;
}

import { randomToken, secretsEqual, sha256Hex } from "../../core/crypto";
import type { PartnerKey } from "./partner-key";
import { toKey } from "./queries";
import { insertKey, keyById } from "./store";

/**
 * Partner API keys: `es_<key id>_<secret>`. Only the SHA-256 of the secret is stored; the key id
 * finds the row, and the secret is compared in constant time.
 */
const KEY_FORMAT = /^es_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** Creates a key; the returned `secret` (the whole key) is shown once and never stored. */
export async function createPartnerKey(
	db: D1Database,
	dpid: number,
	label: string,
	now: number,
): Promise<{ key: PartnerKey; secret: string }> {
	const id = randomToken(12).replace(/[-_]/g, "").slice(0, 12).padEnd(12, "0");
	const secretPart = randomToken(32);
	const row = await insertKey(db, { id, dpid, secretSha256: await sha256Hex(secretPart), label }, now);
	if (!row) throw new Error("partner key was not written");
	return { key: toKey(row), secret: `es_${id}_${secretPart}` };
}

/** The DPID a presented key acts for, or null for a malformed, unknown or revoked key. */
export async function partnerOfKey(db: D1Database, presented: string): Promise<number | null> {
	const m = KEY_FORMAT.exec(presented);
	if (!m) return null;
	const [, id = "", secretPart = ""] = m;
	const row = await keyById(db, id);
	if (!row || row.revoked_at !== null) return null;
	return (await secretsEqual(await sha256Hex(secretPart), row.secret_sha256)) ? row.dpid : null;
}

/**
 * Access mappings (table `source_grants`): the data sources a partner may name in its inbound files
 * besides its own DPID. Written by the operator only (admin API, dashboard).
 */

export interface SourceGrant {
	/** The partner that may name the source. */
	dpid: number;
	/** The data source it may name (target of `ftp_dpm_`, master of `adobe_id_`). */
	sourceDpid: number;
	createdAt: number;
}

interface GrantRow {
	dpid: number;
	source_dpid: number;
	created_at: number;
}

const toGrant = (row: GrantRow): SourceGrant => ({
	dpid: row.dpid,
	sourceDpid: row.source_dpid,
	createdAt: row.created_at,
});

/** ?1 dpid (NULL = every partner). */
export const LIST_GRANTS = `SELECT dpid, source_dpid, created_at FROM source_grants
	WHERE (?1 IS NULL OR dpid = ?1) ORDER BY dpid, source_dpid`;

/** ?1 dpid, ?2 source dpid. */
export const HAS_GRANT = "SELECT 1 AS ok FROM source_grants WHERE dpid = ?1 AND source_dpid = ?2";

/** ?1 dpid, ?2 source dpid, ?3 now. Granting twice keeps the first grant's time. */
export const INSERT_GRANT = `INSERT INTO source_grants (dpid, source_dpid, created_at) VALUES (?1, ?2, ?3)
	ON CONFLICT (dpid, source_dpid) DO NOTHING`;

export const DELETE_GRANT = "DELETE FROM source_grants WHERE dpid = ?1 AND source_dpid = ?2";

export async function listGrants(db: D1Database, dpid: number | null): Promise<SourceGrant[]> {
	const { results } = await db.prepare(LIST_GRANTS).bind(dpid).all<GrantRow>();
	return results.map(toGrant);
}

export async function hasGrant(db: D1Database, dpid: number, sourceDpid: number): Promise<boolean> {
	return (await db.prepare(HAS_GRANT).bind(dpid, sourceDpid).first()) !== null;
}

/** True when the grant is new. Both partners must exist (foreign keys). */
export async function grantSource(db: D1Database, dpid: number, sourceDpid: number, now: number): Promise<boolean> {
	const result = await db.prepare(INSERT_GRANT).bind(dpid, sourceDpid, now).run();
	return result.meta.changes > 0;
}

export async function revokeSource(db: D1Database, dpid: number, sourceDpid: number): Promise<boolean> {
	const result = await db.prepare(DELETE_GRANT).bind(dpid, sourceDpid).run();
	return result.meta.changes > 0;
}

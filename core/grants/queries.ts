import type { SourceGrant } from "./grant";

/** SQL of the access mappings (table `source_grants`, migrations/0007) and its row mapping. */

export interface GrantRow {
	dpid: number;
	source_dpid: number;
	created_at: number;
}

export const toGrant = (row: GrantRow): SourceGrant => ({
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

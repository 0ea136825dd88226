import type { SourceGrant } from "./grant";
import * as sql from "./queries";

/** Functions over the access mappings (core/grants/queries.ts). */
export async function listGrants(db: D1Database, dpid: number | null): Promise<SourceGrant[]> {
	const { results } = await db.prepare(sql.LIST_GRANTS).bind(dpid).all<sql.GrantRow>();
	return results.map(sql.toGrant);
}

export async function hasGrant(db: D1Database, dpid: number, sourceDpid: number): Promise<boolean> {
	return (await db.prepare(sql.HAS_GRANT).bind(dpid, sourceDpid).first()) !== null;
}

/** True when the grant is new. Both partners must exist (foreign keys). */
export async function grantSource(db: D1Database, dpid: number, sourceDpid: number, now: number): Promise<boolean> {
	const result = await db.prepare(sql.INSERT_GRANT).bind(dpid, sourceDpid, now).run();
	return result.meta.changes > 0;
}

export async function revokeSource(db: D1Database, dpid: number, sourceDpid: number): Promise<boolean> {
	const result = await db.prepare(sql.DELETE_GRANT).bind(dpid, sourceDpid).run();
	return result.meta.changes > 0;
}

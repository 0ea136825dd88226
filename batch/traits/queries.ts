/**
 * SQL of trait definitions. Who holds which trait is the graph's (core/graph/memberships); bulk
 * statements take one JSON array parameter expanded with json_each (core/db/json-each.ts).
 */
import type { Trait } from "./schema";

/** The traits table, row for row. */
export interface TraitRow {
	id: number;
	dpid: number;
	name: string;
	rule: string | null;
	exact_match: number;
	created_at: number;
	updated_at: number;
}

export function toTrait(row: TraitRow): Trait {
	return {
		id: row.id,
		dpid: row.dpid,
		name: row.name,
		rule: row.rule,
		exactMatch: row.exact_match === 1,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

// ---- traits ----

const COLUMNS = "id, dpid, name, rule, exact_match, created_at, updated_at";

export const LIST_TRAITS = `SELECT ${COLUMNS} FROM traits ORDER BY id`;

/** ?1 dpid: the data source's traits. */
export const TRAITS_OF_SOURCE = `SELECT ${COLUMNS} FROM traits WHERE dpid = ?1 ORDER BY id`;

/** ?1 id. */
export const GET_TRAIT = `SELECT ${COLUMNS} FROM traits WHERE id = ?1`;

/** ?1 id, ?2 dpid, ?3 name, ?4 rule, ?5 now, ?6 exact match 0/1: insert or replace; `created_at` survives a replace. */
export const PUT_TRAIT = `INSERT INTO traits (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?6, ?5, ?5)
	ON CONFLICT (id) DO UPDATE SET dpid = ?2, name = ?3, rule = ?4, exact_match = ?6, updated_at = ?5
	RETURNING ${COLUMNS}`;

/** ?1 id. */
export const DELETE_TRAIT = "DELETE FROM traits WHERE id = ?1";

/** ?1 JSON array of ids: those that are traits. */
export const EXISTING_TRAIT_IDS = "SELECT id FROM traits WHERE id IN (SELECT value FROM json_each(?1))";

import { REFRESH_AFTER_MS } from "../../core/graph/refresh";

/**
 * SQL of traits and of who holds them (trait_memberships). Bulk statements take one JSON array
 * parameter expanded with json_each (core/db/json-each.ts).
 */
import type { Trait } from "./schema";

/** The traits table, row for row. */
export interface TraitRow {
	id: number;
	dpid: number;
	name: string;
	rule: string | null;
	created_at: number;
	updated_at: number;
}

export function toTrait(row: TraitRow): Trait {
	return {
		id: row.id,
		dpid: row.dpid,
		name: row.name,
		rule: row.rule,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

// ---- traits ----

const COLUMNS = "id, dpid, name, rule, created_at, updated_at";

export const LIST_TRAITS = `SELECT ${COLUMNS} FROM traits ORDER BY id`;

/** ?1 dpid: the data source's traits. */
export const TRAITS_OF_SOURCE = `SELECT ${COLUMNS} FROM traits WHERE dpid = ?1 ORDER BY id`;

/** ?1 id. */
export const GET_TRAIT = `SELECT ${COLUMNS} FROM traits WHERE id = ?1`;

/** ?1 id, ?2 dpid, ?3 name, ?4 rule, ?5 now: insert or replace; `created_at` survives a replace. */
export const PUT_TRAIT = `INSERT INTO traits (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
	ON CONFLICT (id) DO UPDATE SET dpid = ?2, name = ?3, rule = ?4, updated_at = ?5
	RETURNING ${COLUMNS}`;

/** ?1 id. */
export const DELETE_TRAIT = "DELETE FROM traits WHERE id = ?1";

/** ?1 JSON array of ids: those that are traits. */
export const EXISTING_TRAIT_IDS = "SELECT id FROM traits WHERE id IN (SELECT value FROM json_each(?1))";

// ---- who holds which trait ----

/** ?1 trait id: a deleted trait is held by no one (re-created with the same id, it starts empty). */
export const DELETE_MEMBERSHIPS_OF_TRAIT = "DELETE FROM trait_memberships WHERE trait_id = ?1";

/** ?1 source dpid, ?2 JSON array of UUIDs: the source's current traits of those users. */
export const SOURCE_MEMBERSHIPS = `SELECT uuid, trait_id FROM trait_memberships
	WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))`;
export interface MembershipRow {
	uuid: string;
	trait_id: number;
}

/** ?1 source dpid, ?2 JSON array of UUIDs: an .overwrite clears these users' traits of that source. */
export const CLEAR_SOURCE_MEMBERSHIPS = `DELETE FROM trait_memberships
	WHERE dpid = ?1 AND uuid IN (SELECT value FROM json_each(?2))`;

/** ?1 JSON array of [uuid, trait_id]. */
export const REMOVE_MEMBERSHIPS = `DELETE FROM trait_memberships
	WHERE (uuid, trait_id) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?1))`;

/**
 * ?1 JSON array of [uuid, trait_id], ?2 source dpid, ?3 now. A trait re-asserted less than a day after
 * it was last realized writes nothing (row and index untouched): `realized_at` has a day's precision,
 * as a pair's `last_seen` has (core/graph/refresh.ts).
 */
export const ADD_MEMBERSHIPS = `INSERT INTO trait_memberships (uuid, trait_id, dpid, realized_at)
	SELECT value ->> '$[0]', value ->> '$[1]', ?2, ?3 FROM json_each(?1) WHERE true
	ON CONFLICT (uuid, trait_id) DO UPDATE SET realized_at = excluded.realized_at
	WHERE excluded.realized_at >= trait_memberships.realized_at + ${REFRESH_AFTER_MS}`;

import { allInSlices } from "../../core/db/json-each";
import type { PairStore } from "../../core/graph/store";
import * as sql from "./queries";
import { parseTraitRule } from "./rule";
import type { Trait } from "./schema";

export async function listTraits(db: D1Database, dpid?: number): Promise<Trait[]> {
	const statement = dpid === undefined ? db.prepare(sql.LIST_TRAITS) : db.prepare(sql.TRAITS_OF_SOURCE).bind(dpid);
	const { results } = await statement.all<sql.TraitRow>();
	return results.map(sql.toTrait);
}

/** The traits a data source's files can set. */
export async function traitsOfSource(db: D1Database, dpid: number): Promise<Trait[]> {
	return listTraits(db, dpid);
}

export async function getTrait(db: D1Database, id: number): Promise<Trait | null> {
	const row = await db.prepare(sql.GET_TRAIT).bind(id).first<sql.TraitRow>();
	return row ? sql.toTrait(row) : null;
}

/** Insert or replace a trait; the rule is parsed first so a bad rule never reaches the table. */
export async function putTrait(
	db: D1Database,
	t: Pick<Trait, "id" | "dpid" | "name" | "rule"> & { exactMatch?: boolean },
	now: number,
): Promise<Trait> {
	if (t.rule !== null) parseTraitRule(t.rule);
	const row = await db
		.prepare(sql.PUT_TRAIT)
		.bind(t.id, t.dpid, t.name, t.rule, now, t.exactMatch ? 1 : 0)
		.first<sql.TraitRow>();
	if (!row) throw new Error(`trait ${t.id} was not written`);
	return sql.toTrait(row);
}

/** Deletes a trait: who holds it first (through the graph store, so a retry finds the trait), then it. */
export async function deleteTrait(db: D1Database, graph: PairStore, id: number): Promise<boolean> {
	if (!(await getTrait(db, id))) return false;
	await graph.dropTrait(id);
	const deleted = await db.prepare(sql.DELETE_TRAIT).bind(id).run();
	return deleted.meta.changes > 0;
}

/** Which of `ids` are traits (to refuse segment rules that name unknown ones). */
export async function existingTraitIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
	const rows = await allInSlices<{ id: number }>(db, sql.EXISTING_TRAIT_IDS, ids);
	return new Set(rows.map((r) => r.id));
}

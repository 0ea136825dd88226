import { allInSlices, slices } from "../../core/db/json-each";
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
	t: Pick<Trait, "id" | "dpid" | "name" | "rule">,
	now: number,
): Promise<Trait> {
	if (t.rule !== null) parseTraitRule(t.rule);
	const row = await db.prepare(sql.PUT_TRAIT).bind(t.id, t.dpid, t.name, t.rule, now).first<sql.TraitRow>();
	if (!row) throw new Error(`trait ${t.id} was not written`);
	return sql.toTrait(row);
}

/** Deletes a trait and who holds it. */
export async function deleteTrait(db: D1Database, id: number): Promise<boolean> {
	const [deleted] = await db.batch([
		db.prepare(sql.DELETE_TRAIT).bind(id),
		db.prepare(sql.DELETE_MEMBERSHIPS_OF_TRAIT).bind(id),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
}

/** Which of `ids` are traits (to refuse segment rules that name unknown ones). */
export async function existingTraitIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
	const rows = await allInSlices<{ id: number }>(db, sql.EXISTING_TRAIT_IDS, ids);
	return new Set(rows.map((r) => r.id));
}

/** The traits of data source `dpid` each of `uuids` holds now (users holding none are left out). */
export async function sourceTraitsOf(
	db: D1Database,
	dpid: number,
	uuids: readonly string[],
): Promise<Map<string, Set<number>>> {
	const out = new Map<string, Set<number>>();
	for (const r of await allInSlices<sql.MembershipRow>(db, sql.SOURCE_MEMBERSHIPS, uuids, dpid)) {
		out.set(r.uuid, (out.get(r.uuid) ?? new Set()).add(r.trait_id));
	}
	return out;
}

/** One trait given to (`add`) or taken from a visitor. */
export interface MembershipChange {
	uuid: string;
	trait: number;
	add: boolean;
}

/**
 * The statements that write a source's changes to who holds its traits: the `cleared` users' traits of
 * the source dropped first (an .overwrite), then the removals and additions.
 */
export function membershipStatements(
	db: D1Database,
	change: { source: number; cleared: readonly string[]; changes: readonly MembershipChange[] },
	now: number,
): D1PreparedStatement[] {
	const adds = change.changes.filter((c) => c.add).map((c) => [c.uuid, c.trait]);
	const removes = change.changes.filter((c) => !c.add).map((c) => [c.uuid, c.trait]);
	return [
		...slices(change.cleared).map((part) =>
			db.prepare(sql.CLEAR_SOURCE_MEMBERSHIPS).bind(change.source, JSON.stringify(part)),
		),
		...slices(removes).map((part) => db.prepare(sql.REMOVE_MEMBERSHIPS).bind(JSON.stringify(part))),
		...slices(adds).map((part) => db.prepare(sql.ADD_MEMBERSHIPS).bind(JSON.stringify(part), change.source, now)),
	];
}

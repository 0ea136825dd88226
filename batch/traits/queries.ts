import { allInSlices } from "../../core/db/json-each";
import { parseTraitRule, type TraitRule } from "./rule";

/** A trait as the inbound pipeline needs it: its data source and parsed key-value rule. */
export interface Trait {
	id: number;
	dpid: number;
	name: string;
	rule: string | null;
	createdAt: number;
	updatedAt: number;
}

interface TraitRow {
	id: number;
	dpid: number;
	name: string;
	rule: string | null;
	created_at: number;
	updated_at: number;
}

const COLUMNS = "id, dpid, name, rule, created_at, updated_at";

function toTrait(row: TraitRow): Trait {
	return {
		id: row.id,
		dpid: row.dpid,
		name: row.name,
		rule: row.rule,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export async function traitsOfSource(db: D1Database, dpid: number): Promise<Trait[]> {
	const { results } = await db
		.prepare(`SELECT ${COLUMNS} FROM traits WHERE dpid = ?1 ORDER BY id`)
		.bind(dpid)
		.all<TraitRow>();
	return results.map(toTrait);
}

export async function listTraits(db: D1Database, dpid?: number): Promise<Trait[]> {
	const statement =
		dpid === undefined
			? db.prepare(`SELECT ${COLUMNS} FROM traits ORDER BY id`)
			: db.prepare(`SELECT ${COLUMNS} FROM traits WHERE dpid = ?1 ORDER BY id`).bind(dpid);
	const { results } = await statement.all<TraitRow>();
	return results.map(toTrait);
}

export async function getTrait(db: D1Database, id: number): Promise<Trait | null> {
	const row = await db.prepare(`SELECT ${COLUMNS} FROM traits WHERE id = ?1`).bind(id).first<TraitRow>();
	return row ? toTrait(row) : null;
}

/** Insert or replace a trait; the rule is parsed first so a bad rule never reaches the table. */
export async function putTrait(
	db: D1Database,
	t: Pick<Trait, "id" | "dpid" | "name" | "rule">,
	now: number,
): Promise<Trait> {
	if (t.rule !== null) parseTraitRule(t.rule);
	const row = await db
		.prepare(
			`INSERT INTO traits (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
			 ON CONFLICT (id) DO UPDATE SET dpid = ?2, name = ?3, rule = ?4, updated_at = ?5
			 RETURNING ${COLUMNS}`,
		)
		.bind(t.id, t.dpid, t.name, t.rule, now)
		.first<TraitRow>();
	if (!row) throw new Error(`trait ${t.id} was not written`);
	return toTrait(row);
}

/** Deletes a trait and who holds it (a trait re-created with the same id starts empty). */
export async function deleteTrait(db: D1Database, id: number): Promise<boolean> {
	const [deleted] = await db.batch([
		db.prepare("DELETE FROM traits WHERE id = ?1").bind(id),
		db.prepare("DELETE FROM trait_memberships WHERE trait_id = ?1").bind(id),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
}

/** A trait with a key-value rule. */
export interface RuleTrait {
	id: number;
	rule: TraitRule;
}

/** The data source's traits, indexed for applying a file: by id, and those with key-value rules. */
export interface TraitCatalog {
	ids: ReadonlySet<number>;
	rules: readonly RuleTrait[];
	/**
	 * Rules by the key of the first comparison of each of their groups. A group holds only when the line
	 * has every key it compares (`!=` included), so a line need only try the rules filed under its own
	 * keys: the work per line follows the line's keys, never the number of rules times its signals.
	 */
	rulesByKey: ReadonlyMap<string, readonly RuleTrait[]>;
}

export function catalogOf(traits: readonly Trait[]): TraitCatalog {
	const rules = traits.flatMap((t) => (t.rule ? [{ id: t.id, rule: parseTraitRule(t.rule) }] : []));
	const rulesByKey = new Map<string, RuleTrait[]>();
	for (const entry of rules) {
		for (const key of new Set(entry.rule.map((group) => group[0]?.key ?? ""))) {
			const filed = rulesByKey.get(key);
			if (filed) filed.push(entry);
			else rulesByKey.set(key, [entry]);
		}
	}
	return { ids: new Set(traits.map((t) => t.id)), rules, rulesByKey };
}

/** Which of `ids` are traits (to refuse segment rules that name unknown ones). */
export async function existingTraitIds(db: D1Database, ids: readonly number[]): Promise<Set<number>> {
	const rows = await allInSlices<{ id: number }>(
		db,
		"SELECT id FROM traits WHERE id IN (SELECT value FROM json_each(?1))",
		ids,
	);
	return new Set(rows.map((r) => r.id));
}

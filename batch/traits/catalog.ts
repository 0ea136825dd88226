import { parseTraitRule, type TraitRule } from "./rule";
import type { Trait } from "./schema";

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

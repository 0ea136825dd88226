import { parseTraitRule, type TraitRule } from "./rule";
import type { Trait } from "./schema";

/** A trait with a key-value rule; `folded` rules hold lower-cased keys and values (not exact matching). */
export interface RuleTrait {
	id: number;
	rule: TraitRule;
	folded: boolean;
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
	/** Folded rules, by their first comparisons' lower-cased keys: a line's keys are looked up lower-cased. */
	foldedRulesByKey: ReadonlyMap<string, readonly RuleTrait[]>;
	/**
	 * Values rules compare `ic` with (lower-cased for folded rules): a bare number in a line is read as
	 * `ic=<number>` when one of them is that number (AAM's "With ic==": "The ic prefix is not required").
	 */
	icValues: ReadonlySet<string>;
}

export function catalogOf(traits: ReadonlyArray<Pick<Trait, "id" | "rule"> & Partial<Trait>>): TraitCatalog {
	const rules = traits.flatMap((t): RuleTrait[] => {
		if (!t.rule) return [];
		const rule = parseTraitRule(t.rule);
		return [t.exactMatch ? { id: t.id, rule, folded: false } : { id: t.id, rule: foldRule(rule), folded: true }];
	});
	const rulesByKey = new Map<string, RuleTrait[]>();
	const foldedRulesByKey = new Map<string, RuleTrait[]>();
	const icValues = new Set<string>();
	for (const entry of rules) {
		const index = entry.folded ? foldedRulesByKey : rulesByKey;
		for (const key of new Set(entry.rule.map((group) => group[0]?.key ?? ""))) {
			const filed = index.get(key);
			if (filed) filed.push(entry);
			else index.set(key, [entry]);
		}
		for (const c of entry.rule.flat()) if (c.key === "ic" && c.op === "==") icValues.add(c.value);
	}
	return { ids: new Set(traits.map((t) => t.id)), rules, rulesByKey, foldedRulesByKey, icValues };
}

/** Lower-case for comparing without regard to case (locale-independent, as for AAM's ASCII keys). */
export const fold = (text: string): string => text.toLowerCase();

function foldRule(rule: TraitRule): TraitRule {
	return rule.map((group) => group.map((c) => ({ ...c, key: fold(c.key), value: fold(c.value) })));
}

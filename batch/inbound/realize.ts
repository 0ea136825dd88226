import { fold, type RuleTrait, type TraitCatalog } from "../traits/catalog";
import { ruleMatches } from "../traits/rule";

/** The signals of one inbound line, as the parser hands them over. */
export type LineSignal =
	| { kind: "add"; traitId: number; bare?: true }
	| { kind: "remove"; traitId: number }
	| { kind: "kv"; key: string; value: string }
	| { kind: "unusable" };

/** What one line does to one user's traits, with the counts the receipt needs. */
export interface Realized {
	adds: Set<number>;
	removes: Set<number>;
	signals: number;
	unused: number;
	/** Trait ids named by the line that are not traits of the file's data source. */
	failedValidation: number;
	/** Key-value rules evaluated for the line: the work its key-value signals cost. */
	rulesTried: number;
}

/**
 * Turns a line's signals into trait additions and removals for the data source `catalog`.
 * In `.overwrite` files removals are meaningless (the file replaces the user's traits), so they count
 * as unused; a key-value signal is used when a realized rule mentions its key. Rules that are not exact
 * compare keys and values lower-cased; a bare number is `ic=<number>` when a rule compares ic with it,
 * else a trait id (docs/vendors.md, "Coming from Audience Manager").
 */
export function realize(signals: readonly LineSignal[], catalog: TraitCatalog, mode: "sync" | "overwrite"): Realized {
	const out: Realized = {
		adds: new Set(),
		removes: new Set(),
		signals: signals.length,
		unused: 0,
		failedValidation: 0,
		rulesTried: 0,
	};
	// Each key's distinct values, and how many signals carried the key (repeats count as signals). Made
	// for the first key-value signal only: most lines of a file are trait IDs alone.
	let kv: Map<string, Set<string>> | null = null;
	const kvSignals = new Map<string, number>();
	for (const original of signals) {
		const signal = asIc(original, catalog);
		if (signal.kind === "kv") {
			kv ??= new Map();
			const values = kv.get(signal.key);
			if (values) values.add(signal.value);
			else kv.set(signal.key, new Set([signal.value]));
			kvSignals.set(signal.key, (kvSignals.get(signal.key) ?? 0) + 1);
		} else if (signal.kind === "unusable" || (signal.kind === "remove" && mode === "overwrite")) {
			out.unused++;
		} else if (!catalog.ids.has(signal.traitId)) {
			out.failedValidation++;
			out.unused++;
		} else {
			(signal.kind === "add" ? out.adds : out.removes).add(signal.traitId);
		}
	}
	if (kv !== null) {
		const folded = catalog.foldedRulesByKey.size > 0 ? foldValues(kv) : kv;
		const usedKeys = new Set<string>();
		const usedFolded = new Set<string>();
		const tried = new Set<RuleTrait>();
		const tryRules = (entries: readonly RuleTrait[] | undefined) => {
			for (const entry of entries ?? []) {
				if (tried.has(entry)) continue;
				tried.add(entry);
				if (!ruleMatches(entry.rule, entry.folded ? folded : kv)) continue;
				out.adds.add(entry.id);
				for (const group of entry.rule) for (const c of group) (entry.folded ? usedFolded : usedKeys).add(c.key);
			}
		};
		for (const key of kv.keys()) tryRules(catalog.rulesByKey.get(key));
		for (const key of folded.keys()) tryRules(catalog.foldedRulesByKey.get(key));
		out.rulesTried = tried.size;
		for (const [key, count] of kvSignals) if (!usedKeys.has(key) && !usedFolded.has(fold(key))) out.unused += count;
	}
	// A trait both added and removed on one line: the addition wins (the line asserts it).
	for (const id of out.adds) out.removes.delete(id);
	return out;
}

/** A bare number is `ic=<number>` when a rule of the data source compares ic with that number. */
function asIc(signal: LineSignal, catalog: TraitCatalog): LineSignal {
	if (signal.kind !== "add" || !signal.bare) return signal;
	const value = String(signal.traitId);
	return catalog.icValues.has(value) ? { kind: "kv", key: "ic", value } : signal;
}

/** Each key's values with keys and values lower-cased, for the rules that are not exact. */
function foldValues(kv: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const [key, values] of kv) {
		const into = out.get(fold(key)) ?? new Set<string>();
		for (const value of values) into.add(fold(value));
		out.set(fold(key), into);
	}
	return out;
}

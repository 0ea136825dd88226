import type { TraitCatalog } from "../traits/queries";
import { ruleMatches } from "../traits/rule";

/** The signals of one inbound line, as the parser hands them over. */
export type LineSignal =
	| { kind: "add"; traitId: number }
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
}

/**
 * Turns a line's signals into trait additions and removals for the data source `catalog`.
 * In `.overwrite` files removals are meaningless (the file replaces the user's traits), so they count
 * as unused; a key-value signal is used when a realized rule mentions its key.
 */
export function realize(signals: readonly LineSignal[], catalog: TraitCatalog, mode: "sync" | "overwrite"): Realized {
	const out: Realized = {
		adds: new Set(),
		removes: new Set(),
		signals: signals.length,
		unused: 0,
		failedValidation: 0,
	};
	const kv = new Map<string, string[]>();
	for (const signal of signals) {
		if (signal.kind === "kv") {
			kv.set(signal.key, [...(kv.get(signal.key) ?? []), signal.value]);
		} else if (signal.kind === "unusable" || (signal.kind === "remove" && mode === "overwrite")) {
			out.unused++;
		} else if (!catalog.ids.has(signal.traitId)) {
			out.failedValidation++;
			out.unused++;
		} else {
			(signal.kind === "add" ? out.adds : out.removes).add(signal.traitId);
		}
	}
	if (kv.size > 0) {
		const usedKeys = new Set<string>();
		for (const { id, rule } of catalog.rules) {
			if (!ruleMatches(rule, kv)) continue;
			out.adds.add(id);
			for (const group of rule) for (const c of group) usedKeys.add(c.key);
		}
		for (const [key, values] of kv) if (!usedKeys.has(key)) out.unused += values.length;
	}
	// A trait both added and removed on one line: the addition wins (the line asserts it).
	for (const id of out.adds) out.removes.delete(id);
	return out;
}

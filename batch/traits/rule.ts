import { InputError } from "../../core/input-error";
import { scan } from "../rules/scan";

/**
 * Key-value trait rules: `ic == "52"`, `color == "red" AND size != "xl"`, `a == "1" OR b == "2"`.
 * AND binds tighter than OR; values may be quoted or bare. Compared as written here; the catalog
 * lower-cases rule and line alike unless the trait asks for exact matching (catalog.ts).
 * Parsed once when a trait is saved, evaluated for every key-value signal of an inbound line.
 */
export type Comparison = { key: string; op: "==" | "!="; value: string };
/** Disjunctive normal form: the rule holds when every comparison of any one group holds. */
export type TraitRule = Comparison[][];

const TOKEN = /\s*(?:(==|!=)|(AND|OR)\b|"((?:[^"\\]|\\.)*)"|([^\s"=!]+))/y;

export function parseTraitRule(source: string): TraitRule {
	if (source.length > 1_000) throw new InputError(["rule longer than 1,000 characters"]);
	const tokens = tokenize(source);
	const groups: TraitRule = [[]];
	let i = 0;
	const fail = (what: string): never => {
		throw new InputError([`rule: ${what} at token ${i + 1} of ${JSON.stringify(source)}`]);
	};
	while (i < tokens.length) {
		const key = tokens[i];
		const op = tokens[i + 1];
		const value = tokens[i + 2];
		if (key?.kind !== "word" && key?.kind !== "string") fail("expected a key");
		if (op?.kind !== "op") fail("expected == or !=");
		if (value?.kind !== "word" && value?.kind !== "string") fail("expected a value");
		groups[groups.length - 1]?.push({ key: key?.text ?? "", op: op?.text as "==" | "!=", value: value?.text ?? "" });
		i += 3;
		const joiner = tokens[i];
		if (!joiner) break;
		if (joiner.kind !== "bool") fail("expected AND or OR");
		if (joiner.text === "OR") groups.push([]);
		i += 1;
		if (i >= tokens.length) fail("expected a comparison after AND/OR");
	}
	if (groups[0]?.length === 0) fail("empty rule");
	return groups;
}

type Token = { kind: "op" | "bool" | "string" | "word"; text: string };

function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	for (const { match: m } of scan(source, TOKEN)) {
		if (m[1]) tokens.push({ kind: "op", text: m[1] });
		else if (m[2]) tokens.push({ kind: "bool", text: m[2] });
		else if (m[3] !== undefined) tokens.push({ kind: "string", text: m[3].replace(/\\(.)/g, "$1") });
		else tokens.push({ kind: "word", text: m[4] ?? "" });
	}
	return tokens;
}

/**
 * Does the rule hold for this line's key-value signals (each key's values as a set, so a line that
 * repeats one key thousands of times costs one lookup per comparison)? A key absent from the line
 * never equals, nor differs.
 */
export function ruleMatches(rule: TraitRule, values: ReadonlyMap<string, ReadonlySet<string>>): boolean {
	return rule.some((group) =>
		group.every(({ key, op, value }) => {
			const present = values.get(key)?.has(value) ?? false;
			return op === "==" ? present : !present && values.has(key);
		}),
	);
}

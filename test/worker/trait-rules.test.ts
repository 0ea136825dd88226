import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LineSignal, realize } from "../../batch/inbound/realize";
import { catalogOf } from "../../batch/traits/catalog";
import { parseTraitRule, ruleMatches } from "../../batch/traits/rule";
import { traitSchema } from "../../batch/traits/schema";
import { InputError } from "../../core/input-error";

const kv = (entries: Array<[string, string]>) => {
	const map = new Map<string, Set<string>>();
	for (const [k, v] of entries) map.set(k, (map.get(k) ?? new Set()).add(v));
	return map;
};

describe("trait rules", () => {
	it("parses comparisons joined by AND (tighter) and OR, quoted or bare", () => {
		expect(parseTraitRule('ic == "52"')).toEqual([[{ key: "ic", op: "==", value: "52" }]]);
		expect(parseTraitRule('color == red AND size != "x l" OR "my key" == "a\\"b"')).toEqual([
			[
				{ key: "color", op: "==", value: "red" },
				{ key: "size", op: "!=", value: "x l" },
			],
			[{ key: "my key", op: "==", value: 'a"b' }],
		]);
	});

	it.each(["", "ic", "ic ==", '== "52"', 'ic == "52" AND', 'ic == "52" XOR b == 1', "ic = 52", 'ic == "52'])(
		"rejects %j with a clear error",
		(source) => {
			expect(() => parseTraitRule(source)).toThrow(InputError);
		},
	);

	it("matches key-value signals case-sensitively", () => {
		const rule = parseTraitRule('color == "red" AND size != "xl"');
		expect(
			ruleMatches(
				rule,
				kv([
					["color", "red"],
					["size", "m"],
				]),
			),
		).toBe(true);
		expect(
			ruleMatches(
				rule,
				kv([
					["color", "red"],
					["size", "xl"],
				]),
			),
		).toBe(false);
		expect(
			ruleMatches(
				rule,
				kv([
					["color", "Red"],
					["size", "m"],
				]),
			),
		).toBe(false);
		expect(ruleMatches(rule, kv([["color", "red"]]))).toBe(false); // != needs the key present
	});

	it("reads a rule at the length limit token by token, and names the position of a bad character", () => {
		const comparisons = Array.from({ length: 62 }, (_, i) => `k${i} == "v"`);
		const rule = comparisons.join(" OR ").padEnd(1_000, " ");
		expect(rule).toHaveLength(1_000);
		expect(parseTraitRule(rule)).toHaveLength(62);
		expect(() => parseTraitRule(`${comparisons.slice(0, 40).join(" OR ")} OR a = b`)).toThrow(
			/unexpected character at position 553/,
		);
		expect(() => parseTraitRule(`${rule}x`)).toThrow(/longer than 1,000 characters/);
	});

	it("never throws anything but InputError on arbitrary text", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), (source) => {
				try {
					parseTraitRule(source);
				} catch (err) {
					expect(err).toBeInstanceOf(InputError);
				}
			}),
		);
	});
});

describe("realizing a line's signals", () => {
	const catalog = catalogOf([
		{ id: 24, dpid: 1000, name: "a", rule: null, createdAt: 0, updatedAt: 0 },
		{ id: 28, dpid: 1000, name: "b", rule: null, createdAt: 0, updatedAt: 0 },
		{ id: 52, dpid: 1000, name: "ic52", rule: 'ic == "52"', createdAt: 0, updatedAt: 0 },
	]);
	const add = (traitId: number): LineSignal => ({ kind: "add", traitId });
	const remove = (traitId: number): LineSignal => ({ kind: "remove", traitId });

	it("adds, removes, and realizes key-value rules", () => {
		const r = realize([add(24), remove(28), { kind: "kv", key: "ic", value: "52" }], catalog, "sync");
		expect([...r.adds].sort()).toEqual([24, 52]);
		expect([...r.removes]).toEqual([28]);
		expect(r).toMatchObject({ signals: 3, unused: 0, failedValidation: 0 });
	});

	it("counts traits of another data source as failed validation and unused", () => {
		const r = realize([add(24), add(999), remove(777)], catalog, "sync");
		expect(r).toMatchObject({ signals: 3, unused: 2, failedValidation: 2 });
	});

	it("ignores removals in .overwrite files (counted unused)", () => {
		const r = realize([add(24), remove(28)], catalog, "overwrite");
		expect([...r.removes]).toEqual([]);
		expect(r.unused).toBe(1);
	});

	it("counts key-value signals no rule uses, and unusable signals, as unused", () => {
		const r = realize([{ kind: "kv", key: "color", value: "red" }, { kind: "unusable" }], catalog, "sync");
		expect(r.adds.size).toBe(0);
		expect(r.unused).toBe(2);
	});
});

describe("key-value signals as AAM matches them (FAQ: key-value data is not case-sensitive)", () => {
	const trait = (id: number, rule: string | null, exactMatch = false) => ({ id, rule, exactMatch });
	const kvs = (...pairs: Array<[string, string]>): LineSignal[] =>
		pairs.map(([key, value]) => ({ kind: "kv", key, value }));

	it("compares keys and values without regard to case, unless the trait asks for exact matching", () => {
		const catalog = catalogOf([trait(1, 'color == "red"'), trait(2, 'Size == "XL"', true)]);
		expect([...realize(kvs(["Color", "RED"]), catalog, "sync").adds]).toEqual([1]);
		expect([...realize(kvs(["COLOR", "Red"], ["size", "xl"]), catalog, "sync").adds]).toEqual([1]);
		expect([...realize(kvs(["Size", "XL"]), catalog, "sync").adds]).toEqual([2]);
		// The unmatched signal (size=xl against the exact rule) is unused; the folded match used Color.
		expect(realize(kvs(["COLOR", "Red"], ["size", "xl"]), catalog, "sync").unused).toBe(1);
		expect(realize(kvs(["color", "blue"]), catalog, "sync").adds.size).toBe(0);
	});

	it("a != comparison holds only for a present key, in any case, whose values all differ", () => {
		const catalog = catalogOf([trait(3, 'tier != "gold" AND tier == "silver" OR seg == "A"')]);
		expect([...realize(kvs(["TIER", "Silver"]), catalog, "sync").adds]).toEqual([3]);
		expect(realize(kvs(["tier", "GOLD"], ["tier", "silver"]), catalog, "sync").adds.size).toBe(0);
		expect([...realize(kvs(["SEG", "a"]), catalog, "sync").adds]).toEqual([3]);
	});

	it("reads a bare number as ic=<number> where a rule compares ic with it (AAM's 'With ic=='), else as a trait id", () => {
		// AAM's example line: `30608,50354,50338,50352,30626`, traits added to rules with the ic prefix.
		const catalog = catalogOf([
			trait(7, 'ic == "30608"'),
			trait(8, 'ic == "50354" OR ic == "50338"'),
			trait(30626, null),
			trait(30608, null),
		]);
		const bare = (traitId: number): LineSignal => ({ kind: "add", traitId, bare: true });
		const line = [30608, 50354, 50338, 50352, 30626].map(bare);
		const r = realize(line, catalog, "sync");
		expect([...r.adds].sort((a, b) => a - b)).toEqual([7, 8, 30626]);
		// 50352 is neither an ic value nor a trait of the source: it failed validation.
		expect(r.failedValidation).toBe(1);
		// d_sid=30608 always names the trait id.
		expect([...realize([{ kind: "add", traitId: 30608 }], catalog, "sync").adds]).toEqual([30608]);
	});
});

describe("exact matching as a trait setting", () => {
	it("defaults to AAM's way (false) in the admin API's schema", () => {
		expect(traitSchema.parse({ id: 1, dpid: 1000, name: "t", createdAt: 0, updatedAt: 0 }).exactMatch).toBe(false);
	});
});

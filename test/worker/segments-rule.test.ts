import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSegmentRule, STORED_RULE_MAX_DEPTH, traitsOf } from "../../batch/segments/rule";
import { listSegments, putSegment } from "../../batch/segments/store";
import { evaluate, type SegmentRule } from "../../core/graph/memberships/segment-rule";
import { InputError } from "../../core/input-error";
import { call } from "./support/edge";

describe("segment rules", () => {
	it("parses with NOT > AND > OR precedence, T-prefixed or bare ids, any keyword case", () => {
		expect(parseSegmentRule("T101 AND (T102 OR NOT T103)")).toEqual({
			op: "and",
			args: [
				{ op: "trait", id: 101 },
				{
					op: "or",
					args: [
						{ op: "trait", id: 102 },
						{ op: "not", arg: { op: "trait", id: 103 } },
					],
				},
			],
		});
		expect(parseSegmentRule("1 or 2 and not 3")).toEqual({
			op: "or",
			args: [
				{ op: "trait", id: 1 },
				{
					op: "and",
					args: [
						{ op: "trait", id: 2 },
						{ op: "not", arg: { op: "trait", id: 3 } },
					],
				},
			],
		});
		expect(traitsOf(parseSegmentRule("T1 AND (T2 OR NOT T1)"))).toEqual(new Set([1, 2]));
	});

	it.each([
		["", /expected a trait, NOT or \( at position 1/],
		["T101 AND", /expected a trait, NOT or \( at position 9/],
		["T101 AND (T102 OR T103", /expected \) at position 23/],
		["T101 T102", /unexpected trait at position 6/],
		["T101 XOR T102", /unknown word "XOR" at position 6/],
		["T101 & T102", /unexpected character at position 6/],
		[")", /unexpected \) at position 1/],
		[`${"(".repeat(60)}T1${")".repeat(60)}`, /nesting deeper than 50/],
	])("refuses %j with a clear error and position", (source, reason) => {
		expect(() => parseSegmentRule(source)).toThrow(reason);
	});

	it.each([
		// The 51st NOT of a chain starts at character 201: a chain nests like parentheses do.
		["51 NOTs", `${"NOT ".repeat(51)}T1`, /nesting deeper than 50 at position 201$/],
		["990 NOTs", `${"NOT ".repeat(990)}T1`, /nesting deeper than 50 at position 201$/],
		["26 × (NOT", `${"(NOT ".repeat(26)}T1${")".repeat(26)}`, /nesting deeper than 50 at position 127$/],
	])("refuses a chain of %s past the depth limit, naming the position", (_, source, reason) => {
		expect(() => parseSegmentRule(source)).toThrow(reason);
	});

	it("accepts a NOT chain up to the limit, and evaluates it", () => {
		const rule = parseSegmentRule(`${"NOT ".repeat(50)}T1`);
		expect(evaluate(rule, new Set([1]))).toBe(true);
		expect(evaluate(parseSegmentRule(`${"NOT ".repeat(49)}T1`), new Set([1]))).toBe(false);
	});

	it("the admin API refuses a NOT chain past the limit with a 400 naming the position", async () => {
		const res = await call("/api/v1/segments/9", {
			method: "PUT",
			headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
			body: JSON.stringify({ name: "deep", rule: `${"NOT ".repeat(60)}T1` }),
		});
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain("nesting deeper than 50 at position 201");
		expect(await listSegments(env.DB)).toEqual([]);
	});

	it("keeps loading a rule stored before NOT chains counted, up to the longest rule allowed", async () => {
		const stored = `${"NOT ".repeat(999)}T1`; // 3,998 characters: under the length limit
		expect(() => parseSegmentRule(stored)).toThrow(/nesting deeper than 50/);
		expect(evaluate(parseSegmentRule(stored, STORED_RULE_MAX_DEPTH), new Set([1]))).toBe(false);
		// Written as an older version would have: the segment still loads for the inbound and outbound runs.
		await putSegment(env.DB, { id: 3, name: "old", rule: stored }, 0);
		const [loaded] = await listSegments(env.DB);
		expect(loaded && evaluate(loaded.tree, new Set([1]))).toBe(false);
	});

	// A straightforward reference: render the tree to a JavaScript boolean expression and evaluate it.
	const tree: fc.Arbitrary<SegmentRule> = fc.letrec((tie) => ({
		rule: fc.oneof(
			{ depthSize: "small", withCrossShrink: true },
			fc.record({ op: fc.constant("trait" as const), id: fc.integer({ min: 1, max: 6 }) }),
			fc.record({ op: fc.constant("not" as const), arg: tie("rule") as fc.Arbitrary<SegmentRule> }),
			fc.record({
				op: fc.constantFrom("and" as const, "or" as const),
				args: fc.array(tie("rule") as fc.Arbitrary<SegmentRule>, { minLength: 2, maxLength: 3 }),
			}),
		),
	})).rule;
	const render = (r: SegmentRule): string =>
		r.op === "trait"
			? `T${r.id}`
			: r.op === "not"
				? `NOT (${render(r.arg)})`
				: `(${r.args.map(render).join(r.op === "and" ? " AND " : " OR ")})`;
	const reference = (r: SegmentRule, traits: ReadonlySet<number>): boolean =>
		r.op === "trait"
			? traits.has(r.id)
			: r.op === "not"
				? !reference(r.arg, traits)
				: r.op === "and"
					? r.args.reduce((acc, a) => acc && reference(a, traits), true)
					: r.args.reduce((acc, a) => acc || reference(a, traits), false);

	it("parsing the rendered text of any tree evaluates like the reference on every trait set", () => {
		fc.assert(
			fc.property(tree, fc.uniqueArray(fc.integer({ min: 1, max: 6 })), (rule, ids) => {
				const traits = new Set(ids);
				expect(evaluate(parseSegmentRule(render(rule)), traits)).toBe(reference(rule, traits));
			}),
			{ numRuns: 2_000 },
		);
	});

	it("never throws anything but InputError on arbitrary text", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 80 }), (source) => {
				try {
					parseSegmentRule(source);
				} catch (err) {
					expect(err).toBeInstanceOf(InputError);
				}
			}),
			{ numRuns: 2_000 },
		);
	});
});

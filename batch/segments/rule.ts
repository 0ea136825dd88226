import type { SegmentRule } from "../../core/graph/memberships/segment-rule";
import { InputError } from "../../core/input-error";
import { scan } from "../rules/scan";

/**
 * Segment rules: boolean expressions over trait ids, e.g. `T101 AND (T102 OR NOT T103)`.
 * Precedence NOT > AND > OR; keywords are case-insensitive; a trait is `T<id>` (or a bare id).
 * Parsed once when a segment is saved into a checked tree; errors name the position.
 */

const MAX_RULE_LENGTH = 4_000;
const MAX_DEPTH = 50;
/**
 * For rules already stored: saved before NOT chains counted towards MAX_DEPTH, such a rule may be up
 * to a thousand NOTs deep (its length bounds it), and it must keep loading rather than stop every
 * inbound and outbound run. New and changed rules get MAX_DEPTH.
 */
export const STORED_RULE_MAX_DEPTH = MAX_RULE_LENGTH;
const TOKEN = /\s*(?:(\()|(\))|[Tt]?(\d{1,15})\b|([A-Za-z]+))/y;

type Token = { kind: "(" | ")" | "and" | "or" | "not" | "trait"; id?: number; at: number };

export function parseSegmentRule(source: string, maxDepth = MAX_DEPTH): SegmentRule {
	if (source.length > MAX_RULE_LENGTH) throw new InputError([`rule longer than ${MAX_RULE_LENGTH} characters`]);
	const tokens = tokenize(source);
	let i = 0;
	const fail = (what: string): never => {
		const at = tokens[i]?.at ?? source.length;
		throw new InputError([`rule: ${what} at position ${at + 1}`]);
	};
	const peek = () => tokens[i];
	const expression = (depth: number): SegmentRule => {
		if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
		const args = [conjunction(depth)];
		while (peek()?.kind === "or") {
			i++;
			args.push(conjunction(depth));
		}
		return args.length === 1 ? (args[0] as SegmentRule) : { op: "or", args };
	};
	const conjunction = (depth: number): SegmentRule => {
		const args = [unary(depth)];
		while (peek()?.kind === "and") {
			i++;
			args.push(unary(depth));
		}
		return args.length === 1 ? (args[0] as SegmentRule) : { op: "and", args };
	};
	const unary = (depth: number): SegmentRule => {
		const token = peek();
		if (token?.kind === "not") {
			// A chain of NOTs nests like parentheses do, and counts against the same limit.
			if (depth + 1 > maxDepth) fail(`nesting deeper than ${maxDepth}`);
			i++;
			return { op: "not", arg: unary(depth + 1) };
		}
		if (token?.kind === "trait") {
			i++;
			return { op: "trait", id: token.id ?? 0 };
		}
		if (token?.kind === "(") {
			i++;
			const inner = expression(depth + 1);
			if (peek()?.kind !== ")") fail("expected )");
			i++;
			return inner;
		}
		return fail(token ? `unexpected ${token.kind}` : "expected a trait, NOT or (");
	};
	const rule = expression(0);
	if (i < tokens.length) fail(`unexpected ${tokens[i]?.kind}`);
	return rule;
}

function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	for (const { match: m, at } of scan(source, TOKEN)) {
		if (m[1]) tokens.push({ kind: "(", at });
		else if (m[2]) tokens.push({ kind: ")", at });
		else if (m[3]) tokens.push({ kind: "trait", id: Number(m[3]), at });
		else {
			const word = (m[4] ?? "").toLowerCase();
			if (word !== "and" && word !== "or" && word !== "not") {
				throw new InputError([`rule: unknown word ${JSON.stringify(m[4])} at position ${at + 1}`]);
			}
			tokens.push({ kind: word, at });
		}
	}
	return tokens;
}

/** Every trait id the rule mentions (to check they exist when the segment is saved). */
/**
 * The traits every member of the segment holds for some branch of the rule: those named outside any NOT
 * (what membership already implies, so an outbound TRAIT_LIST may name them).
 */
export function positiveTraitsOf(rule: SegmentRule): Set<number> {
	const out = new Set<number>();
	const walk = (r: SegmentRule): void => {
		if (r.op === "trait") out.add(r.id);
		else if (r.op !== "not") for (const a of r.args) walk(a);
	};
	walk(rule);
	return out;
}

export function traitsOf(rule: SegmentRule): Set<number> {
	const out = new Set<number>();
	const walk = (r: SegmentRule): void => {
		if (r.op === "trait") out.add(r.id);
		else if (r.op === "not") walk(r.arg);
		else for (const a of r.args) walk(a);
	};
	walk(rule);
	return out;
}

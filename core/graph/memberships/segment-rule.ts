/**
 * A segment's rule as a checked tree over trait ids (batch/segments/rule.ts parses the text). It lives
 * here, at the bottom, because segments are evaluated where the traits are stored: in D1 or inside a
 * visitor shard.
 */
export type SegmentRule =
	| { op: "trait"; id: number }
	| { op: "not"; arg: SegmentRule }
	| { op: "and" | "or"; args: SegmentRule[] };

/** A segment as the graph evaluates it. */
export interface SegmentDef {
	id: number;
	tree: SegmentRule;
}

/** Is a user with these traits in the segment? */
export function evaluate(rule: SegmentRule, traits: ReadonlySet<number>): boolean {
	switch (rule.op) {
		case "trait":
			return traits.has(rule.id);
		case "not":
			return !evaluate(rule.arg, traits);
		case "and":
			return rule.args.every((a) => evaluate(a, traits));
		case "or":
			return rule.args.some((a) => evaluate(a, traits));
	}
}

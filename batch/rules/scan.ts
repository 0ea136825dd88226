import { InputError } from "../../core/input-error";

const WHITESPACE = /\s*/y;

/**
 * Tokenizes a rule with a sticky (`y`) pattern that allows leading whitespace: yields each match and
 * the position where its token starts, and names the position of anything the pattern cannot read.
 * Shared by trait rules (`ic == "52"`) and segment rules (`T1 AND NOT T2`). Every step reads on from
 * where the last one stopped (no copy of the rest of the rule), so a rule costs its length.
 */
export function* scan(source: string, token: RegExp): Generator<{ match: RegExpExecArray; at: number }> {
	let next = 0;
	for (;;) {
		WHITESPACE.lastIndex = next;
		WHITESPACE.exec(source);
		const at = WHITESPACE.lastIndex;
		if (at >= source.length) return;
		token.lastIndex = next;
		const match = token.exec(source);
		// A token that reads nothing would never move on: the same as one that cannot be read.
		if (!match || token.lastIndex <= at) throw new InputError([`rule: unexpected character at position ${at + 1}`]);
		next = token.lastIndex;
		yield { match, at };
	}
}

import { InputError } from "../../worker/input-error";

/**
 * Tokenizes a rule with a sticky (`y`) pattern that allows leading whitespace: yields each match and
 * the position where its token starts, and names the position of anything the pattern cannot read.
 * Shared by trait rules (`ic == "52"`) and segment rules (`T1 AND NOT T2`).
 */
export function* scan(source: string, token: RegExp): Generator<{ match: RegExpExecArray; at: number }> {
	token.lastIndex = 0;
	while (token.lastIndex < source.length) {
		const rest = source.slice(token.lastIndex);
		const lead = rest.length - rest.trimStart().length;
		if (lead === rest.length) return;
		const at = token.lastIndex + lead;
		const match = token.exec(source);
		if (!match) throw new InputError([`rule: unexpected character at position ${at + 1}`]);
		yield { match, at };
	}
}

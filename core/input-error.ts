/**
 * Bad input found by a domain module (not HTTP-aware). The error renderer answers it with 400 and the
 * problems as the reason, so parsers stay free of HTTP concerns. No parameter property: the rule
 * parsers that throw it also run in Node by type stripping (bench/hostile.ts), which does not rewrite them.
 */
export class InputError extends Error {
	readonly problems: readonly string[];
	/** Machine-readable codes for the problems where a protocol defines them (AAM's DCS errors on /ibs). */
	readonly codes: readonly { code: number; msg: string }[];

	constructor(problems: readonly string[], codes: readonly { code: number; msg: string }[] = []) {
		super(problems.join("; "));
		this.name = "InputError";
		this.problems = problems;
		this.codes = codes;
	}
}

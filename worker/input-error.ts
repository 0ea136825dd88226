/**
 * Bad input found by a domain module (not HTTP-aware). The error renderer answers it with 400 and the
 * problems as the reason, so parsers stay free of HTTP concerns.
 */
export class InputError extends Error {
	constructor(readonly problems: readonly string[]) {
		super(problems.join("; "));
		this.name = "InputError";
	}
}

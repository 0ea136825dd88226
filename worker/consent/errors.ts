import { InputError } from "../../core/input-error";

/**
 * A consent parameter that is syntactically invalid (not merely "no consent"). It extends InputError so
 * the app's error renderer answers it with 400 even where a route does not catch it itself.
 */
export class ConsentInputError extends InputError {
	constructor(message: string) {
		super([message]);
		this.name = "ConsentInputError";
	}
}

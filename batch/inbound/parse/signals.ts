/**
 * One signal of an inbound line. `unusable` keeps its text for error samples; the pipeline counts it
 * as an unused signal (the rest of the line still applies).
 */
export type Signal =
	| { kind: "add"; traitId: number }
	| { kind: "remove"; traitId: number }
	| { kind: "kv"; key: string; value: string }
	| { kind: "unusable"; text: string };

const TRAIT_ID = /^[1-9]\d{0,15}$/;
const REMOVAL = /^([1-9]\d{0,15}) *: *(?:0|-1)$/;
const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
// Bare keys stop at spaces, quotes, commas and `=`; bare values may hold `=` (base64 padding).
const KEY_VALUE = new RegExp(String.raw`^-?(?:${QUOTED}|([^\s",=]+)) *= *(?:${QUOTED}|([^\s",]+))$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters make a key or value unusable.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Parses the part of a line after the TAB: `d_sid=24`, `d_unsid=28`, `28:0`, `28:-1`, `30608`,
 * `ic=52`, `key=value`, `"key" = value`, `key = "value"` (a leading `-` on a key is ignored), separated
 * by commas with optional spaces. Quoted text may hold commas and `\"`. Empty items (`a,,b`, a trailing
 * comma) are not signals and are dropped. Anything else is an `unusable` signal, never a line error.
 */
export function parseSignals(list: string): Signal[] {
	const out: Signal[] = [];
	let at = 0;
	while (at <= list.length) {
		const end = itemEnd(list, at);
		const text = trimSpaces(list.slice(at, end.index));
		if (text.length > 0) out.push(end.unterminated ? { kind: "unusable", text } : parseSignal(text));
		at = end.index + 1;
	}
	return out;
}

/** The comma ending the item that starts at `from`, skipping commas inside quotes. */
function itemEnd(list: string, from: number): { index: number; unterminated: boolean } {
	let quoted = false;
	for (let i = from; i < list.length; i++) {
		const c = list.charCodeAt(i);
		if (quoted && c === 0x5c /* \ */) i++;
		else if (c === 0x22 /* " */) quoted = !quoted;
		else if (c === 0x2c /* , */ && !quoted) return { index: i, unterminated: false };
	}
	if (!quoted) return { index: list.length, unterminated: false };
	// An unclosed quote would swallow the rest of the line; end the bad item at the next comma instead.
	const comma = list.indexOf(",", from);
	return { index: comma === -1 ? list.length : comma, unterminated: true };
}

function parseSignal(text: string): Signal {
	if (TRAIT_ID.test(text)) return traitSignal("add", text, text);
	const removal = REMOVAL.exec(text);
	if (removal) return traitSignal("remove", removal[1] ?? "", text);
	const kv = KEY_VALUE.exec(text);
	if (!kv) return { kind: "unusable", text };
	const key = kv[1] !== undefined ? unquote(kv[1]) : (kv[2] ?? "");
	const value = kv[3] !== undefined ? unquote(kv[3]) : (kv[4] ?? "");
	if (key.length === 0 || value.length === 0 || CONTROL.test(key) || CONTROL.test(value)) {
		return { kind: "unusable", text };
	}
	if (key === "d_sid") return traitSignal("add", value, text);
	if (key === "d_unsid") return traitSignal("remove", value, text);
	return { kind: "kv", key, value };
}

function traitSignal(kind: "add" | "remove", digits: string, text: string): Signal {
	const traitId = TRAIT_ID.test(digits) ? Number(digits) : 0;
	return Number.isSafeInteger(traitId) && traitId > 0 ? { kind, traitId } : { kind: "unusable", text };
}

function unquote(quoted: string): string {
	return quoted.includes("\\") ? quoted.replace(/\\(.)/g, "$1") : quoted;
}

function trimSpaces(text: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && text.charCodeAt(start) === 0x20) start++;
	while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
	return text.slice(start, end);
}

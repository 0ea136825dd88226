/**
 * One signal of an inbound line. `unusable` keeps its text for error samples; the pipeline counts it
 * as an unused signal (the rest of the line still applies).
 */
export type Signal =
	/** `bare`: written as a bare number (`30608`), which is `ic=30608` where a rule compares ic with it. */
	| { kind: "add"; traitId: number; bare?: true }
	| { kind: "remove"; traitId: number }
	| { kind: "kv"; key: string; value: string }
	| { kind: "unusable"; text: string };

/** The signals of a line up to a cap, and how many more the line has (not read). */
export interface SignalList {
	signals: Signal[];
	overCap: number;
}

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
	return readSignals(list, Number.POSITIVE_INFINITY).signals;
}

/**
 * parseSignals for at most `max` signals: the items after them are counted, not parsed. Linear in the
 * length of the list whatever it holds (see SignalItems).
 */
export function readSignals(list: string, max: number): SignalList {
	const signals: Signal[] = [];
	let overCap = 0;
	const bounds = new SignalItems(list);
	let at = 0;
	while (at <= list.length) {
		const end = bounds.endOf(at);
		if (signals.length < max) {
			const text = trimSpaces(list.slice(at, end.index));
			if (text.length > 0) signals.push(end.unterminated ? { kind: "unusable", text } : parseSignal(text));
		} else if (hasNonSpace(list, at, end.index)) {
			overCap++;
		}
		at = end.index + 1;
	}
	return { signals, overCap };
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
/** Markers in the end table: the scan reached the end of the list outside / inside quotes. */
const END_OUTSIDE = -1;
const END_INSIDE = -2;

/**
 * Where each item of a signal list ends: at the first comma outside quotes (`\` escapes inside
 * quotes). An item whose quote never closes would swallow the rest of the line, so it ends at its next
 * comma instead, as an unusable signal. Scanning forward from each item is linear while items close,
 * since each scan stops at its own comma; but an unclosed quote makes the scan run to the end of the
 * line, and a line of such items (`"\",` repeated) would then cost the square of its length. So the
 * first unclosed quote switches to a table built backwards in one pass over the rest of the line: for
 * every position, where a scan starting there, inside or outside quotes, would stop. Every later item
 * is one lookup.
 */
export class SignalItems {
	/** Characters examined so far: what a test holds to a small multiple of the list's length. */
	charsRead = 0;
	private readonly list: string;
	private base = 0;
	private outside: Int32Array | null = null;

	constructor(list: string) {
		this.list = list;
	}

	/** The end of the item starting at `from` (the index of its comma, or the list's length). */
	endOf(from: number): { index: number; unterminated: boolean } {
		const stop = this.outside ? this.lookUp(from) : this.scan(from);
		if (stop >= 0) return { index: stop, unterminated: false };
		if (stop === END_OUTSIDE) return { index: this.list.length, unterminated: false };
		const comma = this.list.indexOf(",", from);
		const index = comma === -1 ? this.list.length : comma;
		this.charsRead += index - from;
		return { index, unterminated: true };
	}

	private scan(from: number): number {
		const list = this.list;
		let quoted = false;
		let i = from;
		for (; i < list.length; i++) {
			const c = list.charCodeAt(i);
			if (quoted && c === BACKSLASH) i++;
			else if (c === QUOTE) quoted = !quoted;
			else if (c === COMMA && !quoted) break;
		}
		this.charsRead += Math.min(i, list.length) - from;
		if (i < list.length) return i;
		if (!quoted) return END_OUTSIDE;
		this.buildTable(from);
		return END_INSIDE;
	}

	private lookUp(from: number): number {
		return this.outside?.[from - this.base] ?? END_OUTSIDE;
	}

	private buildTable(from: number): void {
		const list = this.list;
		const n = list.length - from;
		// outside[k] / inside[k]: where a scan from position from + k stops, starting outside / inside quotes.
		const outside = new Int32Array(n + 1);
		const inside = new Int32Array(n + 2);
		outside[n] = END_OUTSIDE;
		inside[n] = END_INSIDE;
		inside[n + 1] = END_INSIDE; // an escape as the last character skips past the end
		for (let k = n - 1; k >= 0; k--) {
			const c = list.charCodeAt(from + k);
			const nextOutside = outside[k + 1] ?? END_OUTSIDE;
			const nextInside = inside[k + 1] ?? END_INSIDE;
			outside[k] = c === QUOTE ? nextInside : c === COMMA ? from + k : nextOutside;
			inside[k] = c === BACKSLASH ? (inside[k + 2] ?? END_INSIDE) : c === QUOTE ? nextOutside : nextInside;
		}
		this.charsRead += n;
		this.base = from;
		this.outside = outside;
	}
}

function parseSignal(text: string): Signal {
	const prefixed = prefixedTraitSignal(text);
	if (prefixed) return prefixed;
	if (TRAIT_ID.test(text)) {
		const signal = traitSignal("add", text, text);
		return signal.kind === "add" ? { ...signal, bare: true } : signal;
	}
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

/**
 * `d_sid=<id>` and `d_unsid=<id>`, what most lines of an AAM file are made of, read without the
 * key-value pattern: the same signal the general path makes of them (a test holds the two together),
 * at a fraction of the split step's cost per line. Anything else (spaces, quotes, a bad ID) is left
 * to the general path.
 */
function prefixedTraitSignal(text: string): Signal | null {
	const kind = text.startsWith("d_sid=") ? "add" : text.startsWith("d_unsid=") ? "remove" : null;
	if (kind === null) return null;
	const digits = text.slice(kind === "add" ? 6 : 8);
	if (!TRAIT_ID.test(digits)) return null;
	const traitId = Number(digits);
	return Number.isSafeInteger(traitId) ? { kind, traitId } : null;
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
	while (start < end && text.charCodeAt(start) === SPACE) start++;
	while (end > start && text.charCodeAt(end - 1) === SPACE) end--;
	return text.slice(start, end);
}

function hasNonSpace(text: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) if (text.charCodeAt(i) !== SPACE) return true;
	return false;
}

import {
	ATTRIBUTES,
	type Element,
	type ElementKind,
	type FileFacts,
	KNOWN_NAMES,
	LISTS,
	type LineFacts,
	REFUSED,
	type Role,
	SCALARS,
} from "./macros";
import { type Cond, type Node, parseTemplate, type Ref, type Separator, TemplateError } from "./syntax";
import { compileTimestampFormat } from "./timestamp-format";

/** What a template reads beyond the listing itself, so a run fetches only that. */
export interface Needs {
	uuid: boolean;
	dpuuidList: boolean;
	traits: boolean;
}

/** A member's line as a run writes it. */
export interface WrittenLine {
	/** The line; null when the member's own partner ID cannot be written in this layout (no line). */
	text: string | null;
	/** Partner IDs left out: the member's own (text null), or those dropped from its DP_UUID_LIST. */
	unwritableIds: number;
}

export interface CompiledTemplate {
	/** A header's text (line null), or a member's line: "" also when its partner ID cannot be written. */
	render(file: FileFacts, line: LineFacts | null): string;
	/**
	 * A member's line, telling a line written as nothing from one left out because its partner ID cannot
	 * be written in this layout (`unwritableIn`).
	 */
	writeLine(file: FileFacts, line: LineFacts): WrittenLine;
	needs: Needs;
	/** The macros the template names, for the checks a destination's mode asks for. */
	names: ReadonlySet<string>;
	/** Whether every line starts from the partner's ID: DP_UUID written outside any condition or list. */
	keyed: boolean;
}

/**
 * The longest line a run writes. With no list inside another, a line is at most the template's length
 * times the longest list (500 segments, 100 IDs), far below this; the cap keeps a step's memory bounded
 * whatever that product is.
 */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Characters a partner ID may not hold in any layout: `"` and `\` (they end or escape a quoted field:
 * JSON, CSV), control characters and Unicode line breaks (SPEC refuses them when an ID is synced; one
 * would start a line of its own).
 */
const NEVER_WRITABLE = /[\p{Cc}"\\\u2028\u2029]/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * Which partner IDs a template can write so that every line parses back to exactly its own ID (and each
 * DP_UUID_LIST element to itself): a partner ID is any UTF-8 text without control characters (SPEC), so
 * `victim 99` written into AAM's default layout would read as ID `victim` in segment 99. The layout's
 * characters are those the template itself writes around the values that are not letters or digits: its
 * text (quotes, brackets, field separators), list separators, the constant macros (TAB, COMMA, the curly
 * brackets, ASCII_SOH) and the literal characters of TIMESTAMP formats, all collected when the template
 * is compiled. An ID that holds one of them, or a `"`, `\`, control character or line break, is left out
 * (its line is not written, or it is dropped from a DP_UUID_LIST) and counted; every other ID is written
 * exactly as it is, with no escaping.
 */
function unwritableIn(layout: ReadonlySet<string>): (id: string) => boolean {
	return (id) => {
		if (NEVER_WRITABLE.test(id)) return true;
		for (const ch of id) if (layout.has(ch)) return true;
		return false;
	};
}

/** A line past MAX_LINE_CHARS. Its partner ID is not named: run errors reach logs and e-mails (personal data). */
export class LineTooLong extends Error {
	constructor(chars: number) {
		super(
			`the output template wrote ${chars} characters for one partner ID: over ${MAX_LINE_CHARS} (shorten what it repeats per segment or ID)`,
		);
	}
}

interface Ctx {
	file: FileFacts;
	line: LineFacts | null;
	/** Elements bound by `{param|…}`, innermost last. */
	bound: Array<{ param: string; kind: ElementKind; element: Element }>;
	/** Partner IDs of the line's DP_UUID_LIST left out as unwritable (counted once each). */
	dropped: Set<string>;
}
type Piece = (c: Ctx) => string;
type Test = (c: Ctx) => boolean;

/**
 * Checks a template against AAM's macros and the role it plays (a header has no member, so member
 * macros are refused there), and turns it into a render function. Every problem is a TemplateError
 * that names the macro and its position.
 */
export function compileTemplate(source: string, role: Role): CompiledTemplate {
	const needs: Needs = { uuid: false, dpuuidList: false, traits: false };
	const names = new Set<string>();
	const params: Array<{ param: string; kind: ElementKind }> = [];
	// Inside <if(…)> branches (and their conditions): what is written there may be missing from a line.
	let conditional = 0;
	let keyed = false;
	// The characters of the layout: what the template writes around the values, less letters and digits.
	const layout = new Set<string>();
	const literal = (text: string) => {
		for (const ch of text) if (!LETTER_OR_DIGIT.test(ch)) layout.add(ch);
	};
	const unwritable = unwritableIn(layout);
	const writable = (id: string) => !unwritable(id);

	function sequence(nodes: readonly Node[]): Piece {
		const pieces = nodes.map(node);
		return (c) => {
			let out = "";
			for (const p of pieces) out += p(c);
			return out;
		};
	}

	function node(n: Node): Piece {
		if (n.kind === "text") {
			literal(n.text);
			return () => n.text;
		}
		if (n.kind === "ref") return ref(n);
		conditional++;
		const branches = n.branches.map((b) => ({ test: cond(b.cond), body: sequence(b.body) }));
		const otherwise = sequence(n.otherwise);
		conditional--;
		return (c) => (branches.find((b) => b.test(c))?.body ?? otherwise)(c);
	}

	function ref(r: Ref): Piece {
		const param = params.findLast((p) => p.param === r.name);
		if (param) return attribute(param.param, param.kind, r.attr, r.at);
		if (r.attr !== null)
			throw new TemplateError(`"${r.name}.${r.attr}": ${r.name} is not a {name|…} parameter here`, r.at);
		const list = LISTS[r.name];
		if (list) return listPiece(r, list.kind, list.of);
		if (r.apply) throw new TemplateError(`${r.name} is not a list: only lists take {name|…}`, r.at);
		const scalar = scalarValue(r.name, r.at);
		if (r.name === "DP_UUID" && conditional === 0 && params.length === 0) keyed = true;
		if (r.format !== null) {
			if (r.name !== "TIMESTAMP") throw new TemplateError(`only TIMESTAMP takes format=, not ${r.name}`, r.at);
			if (role === "line" && /[\r\n]/.test(r.format))
				throw new TemplateError("a line break in a format: every member is one line", r.formatAt);
			const format = compileTimestampFormat(r.format, r.formatAt);
			literal(r.format);
			return (c) => format(c.file.timestamp);
		}
		return scalar;
	}

	function scalarValue(name: string, at: number): Piece {
		const refused = REFUSED[name];
		if (refused) throw new TemplateError(`${name} is not available: ${refused}`, at);
		const scalar = SCALARS[name];
		if (!scalar) throw new TemplateError(`unknown macro ${name} (known: ${KNOWN_NAMES.join(", ")})`, at);
		if (role === "header" && scalar.perLine) throw new TemplateError(`${name} describes a member: not in a header`, at);
		if (role === "line" && name === "NEW_LINE")
			throw new TemplateError("NEW_LINE belongs in headers: every member is one line", at);
		names.add(name);
		if (name === "UUID") needs.uuid = true;
		if (scalar.literal !== undefined) literal(scalar.literal);
		return (c) => scalar.value(c.file, c.line);
	}

	function listPiece(r: Ref, kind: ElementKind, of: (l: LineFacts) => readonly Element[]): Piece {
		if (role === "header") throw new TemplateError(`${r.name} describes a member: not in a header`, r.at);
		if (r.format !== null) throw new TemplateError(`only TIMESTAMP takes format=, not ${r.name}`, r.at);
		if (params.length > 0)
			throw new TemplateError(
				`${r.name} inside another list's {…}: a line would grow with the product of the lists`,
				r.at,
			);
		names.add(r.name);
		if (r.name === "DP_UUID_LIST") needs.dpuuidList = true;
		if (r.name === "TRAIT_LIST") needs.traits = true;
		const separator = separatorPiece(r.separator);
		let each: (c: Ctx, e: Element) => string;
		if (r.apply) {
			const { param, body } = r.apply;
			params.push({ param, kind });
			const inner = sequence(body);
			params.pop();
			each = (c, element) => {
				c.bound.push({ param, kind, element });
				try {
					return inner(c);
				} finally {
					c.bound.pop();
				}
			};
		} else {
			const plain = ATTRIBUTES[kind][""] as (e: Element) => string;
			each = (_, e) => plain(e);
		}
		return (c) => {
			const all = c.line ? of(c.line) : [];
			const elements = kind === "id" ? writableIds(all, c.dropped) : all;
			if (elements.length === 0) return "";
			const sep = separator(c);
			return elements.map((e) => each(c, e)).join(sep);
		};
	}

	function separatorPiece(s: Separator | null): Piece {
		if (s === null) return () => "";
		if ("text" in s) {
			if (role === "line" && /[\r\n]/.test(s.text))
				throw new TemplateError("a line break in a separator: every member is one line", s.at);
			literal(s.text);
			return () => s.text;
		}
		return scalarValue(s.ref, s.at);
	}

	function attribute(param: string, kind: ElementKind, attr: string | null, at: number): Piece {
		const read = ATTRIBUTES[kind][attr ?? ""];
		if (!read) {
			const known = Object.keys(ATTRIBUTES[kind]).filter(Boolean);
			const list = known.length > 0 ? `known: ${known.join(", ")}` : "it has none";
			throw new TemplateError(`"${param}.${attr}" is not an attribute of this list's elements (${list})`, at);
		}
		return (c) => {
			const b = c.bound.findLast((x) => x.param === param);
			return b ? read(b.element) : "";
		};
	}

	function cond(k: Cond): Test {
		if (k.kind === "not") {
			const of = cond(k.of);
			return (c) => !of(c);
		}
		if (k.kind !== "name") {
			const [left, right] = [cond(k.left), cond(k.right)];
			return k.kind === "and" ? (c) => left(c) && right(c) : (c) => left(c) || right(c);
		}
		const bare: Ref = {
			kind: "ref",
			name: k.name,
			attr: k.attr,
			at: k.at,
			separator: null,
			format: null,
			formatAt: 0,
			apply: null,
		};
		const list = k.attr === null && !params.some((p) => p.param === k.name) ? LISTS[k.name] : undefined;
		if (list) {
			// Checked like a written list (not in a header), but only its length is read.
			if (role === "header") throw new TemplateError(`${k.name} describes a member: not in a header`, k.at);
			names.add(k.name);
			if (k.name === "DP_UUID_LIST") needs.dpuuidList = true;
			if (k.name === "TRAIT_LIST") needs.traits = true;
			// A DP_UUID_LIST tests as it is written: without the IDs left out.
			if (list.kind === "id") return (c) => (c.line ? writableIds(list.of(c.line), null).length > 0 : false);
			return (c) => (c.line ? list.of(c.line).length > 0 : false);
		}
		const value = ref(bare);
		return (c) => value(c) !== "";
	}

	/** A DP_UUID_LIST's elements that can be written; those left out are added to `dropped`. */
	function writableIds(ids: readonly Element[], dropped: Set<string> | null): readonly Element[] {
		const kept = (ids as readonly string[]).filter(writable);
		if (dropped && kept.length < ids.length)
			for (const id of ids as readonly string[]) if (unwritable(id)) dropped.add(id);
		return kept;
	}

	const body = sequence(parseTemplate(source));
	const run = (file: FileFacts, line: LineFacts | null) => {
		const c: Ctx = { file, line, bound: [], dropped: new Set() };
		const text = body(c);
		if (text.length > MAX_LINE_CHARS) throw new LineTooLong(text.length);
		return { text, unwritableIds: c.dropped.size };
	};
	const writeLine = (file: FileFacts, line: LineFacts): WrittenLine =>
		unwritable(line.dpuuid) ? { text: null, unwritableIds: 1 } : run(file, line);
	const render = (file: FileFacts, line: LineFacts | null) =>
		line === null ? run(file, null).text : (writeLine(file, line).text ?? "");
	return { render, writeLine, needs, names, keyed };
}

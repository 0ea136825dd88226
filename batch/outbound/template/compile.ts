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

export interface CompiledTemplate {
	render(file: FileFacts, line: LineFacts | null): string;
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

export class LineTooLong extends Error {
	constructor(dpuuid: string, chars: number) {
		super(
			`the output template wrote ${chars} characters for partner ID ${dpuuid}: over ${MAX_LINE_CHARS} (shorten what it repeats per segment)`,
		);
	}
}

interface Ctx {
	file: FileFacts;
	line: LineFacts | null;
	/** Elements bound by `{param|…}`, innermost last. */
	bound: Array<{ param: string; kind: ElementKind; element: Element }>;
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

	function sequence(nodes: readonly Node[]): Piece {
		const pieces = nodes.map(node);
		return (c) => {
			let out = "";
			for (const p of pieces) out += p(c);
			return out;
		};
	}

	function node(n: Node): Piece {
		if (n.kind === "text") return () => n.text;
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
			const elements = c.line ? of(c.line) : [];
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
			return (c) => (c.line ? list.of(c.line).length > 0 : false);
		}
		const value = ref(bare);
		return (c) => value(c) !== "";
	}

	const body = sequence(parseTemplate(source));
	const render = (file: FileFacts, line: LineFacts | null) => {
		const text = body({ file, line, bound: [] });
		if (text.length > MAX_LINE_CHARS) throw new LineTooLong(line?.dpuuid ?? "(header)", text.length);
		return text;
	};
	return { render, needs, names, keyed };
}

/**
 * The syntax of AAM's outbound templates, which is StringTemplate's: text with expressions in `<…>`:
 * `<NAME>`, `<LIST; separator=",">`, `<LIST:{seg|<seg.sid>}; separator=TAB>`, `<TIMESTAMP; format="…">`,
 * `<if(A && !B)>…<elseif(C)>…<else>…<endif>`. `\<` and `\>` write the bracket itself. One pass over
 * the text (no backtracking), so parsing costs what the template is long.
 */

export type Node = Text | Ref | If;
export interface Text {
	kind: "text";
	text: string;
}
/** `<NAME>` or `<param.attr>`, with its options and the template it applies to each element. */
export interface Ref {
	kind: "ref";
	name: string;
	attr: string | null;
	at: number;
	separator: Separator | null;
	format: string | null;
	/** Where the format string starts (for its errors). */
	formatAt: number;
	apply: { param: string; body: Node[] } | null;
}
export type Separator = { text: string; at: number } | { ref: string; at: number };
export interface If {
	kind: "if";
	branches: Array<{ cond: Cond; body: Node[] }>;
	otherwise: Node[];
}
export type Cond =
	| { kind: "name"; name: string; attr: string | null; at: number }
	| { kind: "not"; of: Cond }
	| { kind: "and" | "or"; left: Cond; right: Cond };

export class TemplateError extends Error {
	/** The 0-based character position, named 1-based in the message. */
	readonly at: number;
	// No parameter property: the vendor CLI runs this module under Node's type stripping, which has none.
	constructor(message: string, at: number) {
		super(`${message} (at character ${at + 1})`);
		this.at = at;
	}
}

export const MAX_TEMPLATE_CHARS = 4_000;
const MAX_DEPTH = 8;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

type Stop = "end" | "brace" | "branch";

export function parseTemplate(source: string): Node[] {
	if (source.length > MAX_TEMPLATE_CHARS) throw new TemplateError(`longer than ${MAX_TEMPLATE_CHARS} characters`, 0);
	const p = new Parser(source);
	const { nodes } = p.sequence("end", 0);
	return nodes;
}

class Parser {
	i = 0;
	readonly s: string;
	constructor(s: string) {
		this.s = s;
	}

	/** Text and expressions up to the end, a `}` (inside `{…}`), or `<elseif…>`/`<else>`/`<endif>`. */
	sequence(stop: Stop, depth: number): { nodes: Node[]; ended: string | null } {
		if (depth > MAX_DEPTH) throw new TemplateError(`nested more than ${MAX_DEPTH} deep`, this.i);
		const nodes: Node[] = [];
		let text = "";
		const flush = () => {
			if (text) nodes.push({ kind: "text", text });
			text = "";
		};
		while (this.i < this.s.length) {
			const c = this.s[this.i] as string;
			if (c === "\\" && (this.s[this.i + 1] === "<" || this.s[this.i + 1] === ">")) {
				text += this.s[this.i + 1];
				this.i += 2;
			} else if (c === "\n" || c === "\r") {
				throw new TemplateError("a line break in the template: write <NEW_LINE> (headers only)", this.i);
			} else if (stop === "brace" && c === "}") {
				flush();
				return { nodes, ended: "}" };
			} else if (stop === "brace" && c === "{") {
				throw new TemplateError("a { inside {…}: write <OPEN_CURLY_BRACKET>", this.i);
			} else if (c === "<") {
				const at = this.i++;
				this.space();
				const word = this.peekWord();
				if (word === "elseif" || word === "else" || word === "endif") {
					if (stop !== "branch") throw new TemplateError(`<${word}> without <if(…)>`, at);
					flush();
					return { nodes, ended: word };
				}
				flush();
				nodes.push(word === "if" ? this.ifBlock(at, depth) : this.ref(depth));
			} else {
				text += c;
				this.i++;
			}
		}
		if (stop === "brace") throw new TemplateError("a {… without its closing }", this.s.length);
		if (stop === "branch") throw new TemplateError("<if(…)> without <endif>", this.s.length);
		flush();
		return { nodes, ended: null };
	}

	private ifBlock(at: number, depth: number): If {
		const branches: If["branches"] = [];
		let keyword = "if";
		for (;;) {
			this.word();
			if (keyword === "else") {
				this.close();
				const { nodes, ended } = this.sequence("branch", depth + 1);
				if (ended !== "endif") throw new TemplateError("<else> must be the last branch before <endif>", at);
				this.closeKeyword();
				return { kind: "if", branches, otherwise: nodes };
			}
			this.expect("(");
			const cond = this.or();
			this.expect(")");
			this.close();
			const { nodes, ended } = this.sequence("branch", depth + 1);
			branches.push({ cond, body: nodes });
			if (ended === "endif") {
				this.closeKeyword();
				return { kind: "if", branches, otherwise: [] };
			}
			keyword = ended as string;
		}
	}

	/** After `<endif`: its `>`. */
	private closeKeyword(): void {
		this.word();
		this.close();
	}

	private or(): Cond {
		let left = this.and();
		while (this.take("||")) left = { kind: "or", left, right: this.and() };
		return left;
	}

	private and(): Cond {
		let left = this.unary();
		while (this.take("&&")) left = { kind: "and", left, right: this.unary() };
		return left;
	}

	private unary(): Cond {
		if (this.take("!")) return { kind: "not", of: this.unary() };
		if (this.take("(")) {
			const inner = this.or();
			this.expect(")");
			return inner;
		}
		const at = this.i;
		const [name, attr] = this.dotted();
		return { kind: "name", name, attr, at };
	}

	private ref(depth: number): Ref {
		const at = this.i;
		const [name, attr] = this.dotted();
		const ref: Ref = { kind: "ref", name, attr, at, separator: null, format: null, formatAt: 0, apply: null };
		if (this.take(":")) {
			this.expect("{");
			this.space();
			const param = this.word();
			// Like `>`, the `|` starts text: spaces after it are the template's own.
			if (this.s[this.i] !== "|") this.expect("|");
			this.i++;
			const { nodes } = this.sequence("brace", depth + 1);
			this.i++; // the closing }
			ref.apply = { param, body: nodes };
		}
		if (this.take(";")) {
			do this.option(ref);
			while (this.take(","));
		}
		this.close();
		return ref;
	}

	private option(ref: Ref): void {
		const at = this.i;
		const key = this.word();
		this.expect("=");
		this.space();
		if (key === "separator") {
			const valueAt = this.i;
			ref.separator = this.s[this.i] === '"' ? { text: this.string(), at: valueAt } : { ref: this.word(), at: valueAt };
		} else if (key === "format") {
			ref.formatAt = this.i;
			ref.format = this.string();
		} else throw new TemplateError(`unknown option "${key}" (separator and format are known)`, at);
	}

	private string(): string {
		this.space();
		if (this.s[this.i] !== '"') throw new TemplateError('expected a "quoted string"', this.i);
		const start = this.i++;
		let out = "";
		while (this.i < this.s.length && this.s[this.i] !== '"') {
			const c = this.s[this.i++] as string;
			if (c !== "\\") out += c;
			else {
				const next = this.s[this.i++];
				out += next === "t" ? "\t" : next === "n" ? "\n" : (next ?? "");
			}
		}
		if (this.s[this.i] !== '"') throw new TemplateError("a string without its closing quote", start);
		this.i++;
		return out;
	}

	private dotted(): [string, string | null] {
		const name = this.word();
		if (this.s[this.i] !== ".") return [name, null];
		this.i++;
		return [name, this.word()];
	}

	private peekWord(): string | null {
		NAME.lastIndex = this.i;
		return NAME.exec(this.s)?.[0] ?? null;
	}

	private word(): string {
		this.space();
		const w = this.peekWord();
		if (w === null) throw new TemplateError("expected a macro name", this.i);
		this.i += w.length;
		this.space();
		return w;
	}

	/** The `>` that ends an expression; the text after it is kept as it stands, spaces included. */
	private close(): void {
		this.space();
		if (this.s[this.i] !== ">") this.expect(">");
		this.i++;
	}

	private expect(token: string): void {
		if (!this.take(token)) {
			const found = this.i < this.s.length ? `"${this.s[this.i]}"` : "the end";
			throw new TemplateError(`expected "${token}" but found ${found}`, this.i);
		}
	}

	private take(token: string): boolean {
		this.space();
		if (!this.s.startsWith(token, this.i)) return false;
		this.i += token.length;
		this.space();
		return true;
	}

	private space(): void {
		while (this.s[this.i] === " ") this.i++;
	}
}

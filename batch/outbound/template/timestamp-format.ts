import { TemplateError } from "./syntax";

/**
 * `<TIMESTAMP; format="…">`: AAM follows Java's date patterns, and its own example, `YYYYMMDDhhmmss`,
 * means year, month, day, 24-hour, minute, second. So Y and y are the year (yy: two digits), M the
 * month, D and d the day of the month, H and h the hour (0–23), m minutes, s seconds, S milliseconds;
 * 'quoted' text and every other non-letter is written as it stands. Other letters are refused rather
 * than guessed. Always UTC.
 */
export function compileTimestampFormat(pattern: string, at: number): (ms: number) => string {
	const parts: Array<(d: Date) => string> = [];
	let i = 0;
	while (i < pattern.length) {
		const c = pattern[i] as string;
		if (c === "'") {
			const end = pattern.indexOf("'", i + 1);
			if (end < 0) throw new TemplateError(`format "${pattern}" has a ' without its closing '`, at);
			const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end);
			parts.push(() => literal);
			i = end + 1;
			continue;
		}
		let run = 1;
		while (pattern[i + run] === c) run++;
		i += run;
		if (!/[A-Za-z]/.test(c)) {
			const literal = c.repeat(run);
			parts.push(() => literal);
			continue;
		}
		const field = FIELDS[c];
		if (!field) throw new TemplateError(`format letter "${c}" is not supported (Y M D H m s S)`, at);
		parts.push(field(run));
	}
	return (ms) => {
		const d = new Date(ms);
		return parts.map((p) => p(d)).join("");
	};
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const year = (run: number) => (d: Date) =>
	run === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), run);
const day = (run: number) => (d: Date) => pad(d.getUTCDate(), run);
const hour = (run: number) => (d: Date) => pad(d.getUTCHours(), run);

const FIELDS: Record<string, (run: number) => (d: Date) => string> = {
	Y: year,
	y: year,
	M: (run) => (d) => pad(d.getUTCMonth() + 1, run),
	D: day,
	d: day,
	H: hour,
	h: hour,
	m: (run) => (d) => pad(d.getUTCMinutes(), run),
	s: (run) => (d) => pad(d.getUTCSeconds(), run),
	S: (run) => (d) => pad(d.getUTCMilliseconds(), Math.max(run, 3)).slice(0, Math.max(run, 3)),
};

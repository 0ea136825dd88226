// Records a D1 database id in one environment of wrangler.toml, changing only that line. Wrangler's own
// config patcher (`--update-config`) refuses .toml files with comments, and ours explains every setting.

const header = (line: string) => /^\s*\[/.test(line);

/**
 * `text` with `database_id = "<id>"` in the `[[env.<env>.d1_databases]]` table whose binding is `binding`
 * (replacing the one there, or added after its database_name). Throws when that table is not in the file:
 * the set-up never invents configuration.
 */
export function setD1DatabaseId(text: string, env: string, binding: string, id: string): string {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a D1 database id: ${JSON.stringify(id)}`);
	const lines = text.split("\n");
	const tableHeader = `[[env.${env}.d1_databases]]`;
	for (let start = 0; start < lines.length; start++) {
		if (lines[start]?.trim() !== tableHeader) continue;
		let end = start + 1;
		while (end < lines.length && !header(lines[end] ?? "")) end++;
		const body = lines.slice(start + 1, end);
		if (!body.some((l) => new RegExp(`^\\s*binding\\s*=\\s*"${binding}"\\s*$`).test(l))) continue;
		const line = `database_id = "${id}"`;
		const existing = body.findIndex((l) => /^\s*database_id\s*=/.test(l));
		if (existing >= 0) {
			lines[start + 1 + existing] = line;
		} else {
			const name = body.findIndex((l) => /^\s*database_name\s*=/.test(l));
			lines.splice(start + 1 + (name >= 0 ? name + 1 : 0), 0, line);
		}
		return lines.join("\n");
	}
	throw new Error(`wrangler.toml has no ${tableHeader} table with binding = "${binding}"`);
}

/**
 * Settings a bench run overrides without editing wrangler.toml: `BENCH_VARS="NAME=value,NAME=value"`
 * (for example `INBOUND_LINES_PER_GROUP=200000`), passed to the edge as `--var`s after the bench's own.
 */
export function benchVars(own: Record<string, string>): Record<string, string> {
	const given = process.env.BENCH_VARS?.trim();
	if (!given) return own;
	const extra: Record<string, string> = {};
	for (const pair of given.split(",")) {
		const at = pair.indexOf("=");
		if (at <= 0) throw new Error(`BENCH_VARS: "${pair}" is not NAME=value`);
		extra[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
	}
	console.log(
		`  (settings from BENCH_VARS: ${Object.entries(extra)
			.map(([k, v]) => `${k}=${v}`)
			.join(", ")})`,
	);
	return { ...own, ...extra };
}

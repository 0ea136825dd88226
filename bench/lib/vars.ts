/** The bench's own credentials: its admin calls need them as the harness sets them. */
const KEPT = new Set(["ADMIN_TOKEN", "SESSION_SECRET", "FPID_SECRET"]);

/**
 * Settings a bench run overrides without editing wrangler.toml: `BENCH_VARS="NAME=value,NAME=value"`
 * (for example `INBOUND_LINES_PER_GROUP=200000`; a value cannot hold a comma), passed to the edge as
 * `--var`s after the bench's own. A graph kept with `BENCH_STATE` keeps the shard counts it was loaded with.
 */
export function benchVars(own: Record<string, string>): Record<string, string> {
	const given = process.env.BENCH_VARS?.trim();
	if (!given) return own;
	const extra: Record<string, string> = {};
	for (const pair of given.split(",").filter((p) => p.trim() !== "")) {
		const at = pair.indexOf("=");
		if (at <= 0) throw new Error(`BENCH_VARS: "${pair}" is not NAME=value`);
		const name = pair.slice(0, at).trim();
		if (KEPT.has(name)) throw new Error(`BENCH_VARS: ${name} is the bench's own credential`);
		extra[name] = pair.slice(at + 1).trim();
	}
	console.log(
		`  (settings from BENCH_VARS: ${Object.entries(extra)
			.map(([k, v]) => `${k}=${v}`)
			.join(", ")})`,
	);
	return { ...own, ...extra };
}

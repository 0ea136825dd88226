/**
 * Bulk D1 access: a list travels as one JSON parameter expanded with json_each, because D1 binds at
 * most 100 parameters per statement but takes values up to 2 MB. Lists are cut into slices that keep
 * each JSON value far below that.
 */
export const ROWS_PER_STATEMENT = 1_000;

export function slices<T>(values: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
	return out;
}

/**
 * Runs `query` once per slice of `values`, all slices in one D1 round trip, and concatenates the
 * rows. The JSON list binds last; `leading` parameters (e.g. a DPID as ?1) bind before it.
 */
export async function allInSlices<T>(
	db: D1Database,
	query: string,
	values: readonly unknown[],
	...leading: unknown[]
): Promise<T[]> {
	const parts = slices(values);
	if (parts.length === 0) return [];
	const results = await db.batch<T>(parts.map((part) => db.prepare(query).bind(...leading, JSON.stringify(part))));
	return results.flatMap((r) => r.results);
}

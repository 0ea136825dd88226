import { slices } from "../../db/json-each";

/**
 * Keys per statement inside a shard: a list travels as one JSON parameter expanded with json_each, so
 * SQLite looks every key up in one statement instead of one `exec` each (each costs ~10 µs of
 * crossing into SQLite, more than the lookup). 2,000 keys of up to 100 bytes stay far below the 2 MB a
 * Durable Object's SQLite takes per value.
 */
export const KEYS_PER_STATEMENT = 2_000;

/**
 * Runs `query` once per slice of `keys` (the JSON list binds as the last parameter, after `leading`)
 * and concatenates the rows.
 */
export function rowsAmong<Row extends Record<string, SqlStorageValue>>(
	db: SqlStorage,
	query: string,
	keys: readonly unknown[],
	...leading: SqlStorageValue[]
): Row[] {
	const rows: Row[] = [];
	for (const part of slices(keys, KEYS_PER_STATEMENT))
		rows.push(...db.exec<Row>(query, ...leading, JSON.stringify(part)));
	return rows;
}

/**
 * Runs the write `query` once per slice of `values` (each slice one JSON list, bound last, after
 * `leading`): a statement per 2,000 rows where one `exec` per row cost ~40 µs each in the SQL API.
 * Returns the rows written.
 */
export function writeAmong(
	db: SqlStorage,
	query: string,
	values: readonly unknown[],
	...leading: SqlStorageValue[]
): number {
	let rowsWritten = 0;
	for (const part of slices(values, KEYS_PER_STATEMENT))
		rowsWritten += db.exec(query, ...leading, JSON.stringify(part)).rowsWritten;
	return rowsWritten;
}

import { DurableObject } from "cloudflare:workers";

/**
 * Applies a shard class's schema steps once, in order, inside one transaction. Each Durable Object
 * keeps its own schema version, so a new step reaches every shard the first time it wakes.
 */
export function migrate(storage: DurableObjectStorage, steps: readonly string[]): void {
	const sql = storage.sql;
	storage.transactionSync(() => {
		sql.exec("CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
		const row = sql.exec<{ version: number }>("SELECT version FROM _schema").toArray()[0];
		const done = row?.version ?? 0;
		for (let i = done; i < steps.length; i++) sql.exec(steps[i] as string);
		if (!row) sql.exec("INSERT INTO _schema (version) VALUES (?)", steps.length);
		else if (done < steps.length) sql.exec("UPDATE _schema SET version = ?", steps.length);
	});
}

/**
 * What both shard classes share: their SQLite database, its schema steps applied when the object
 * wakes, and a count of the rows written since (SQLite's own count, index entries included; the bench
 * reads it through `size()`).
 */
export abstract class SqliteShard extends DurableObject<Env> {
	protected readonly sql: SqlStorage;
	protected written = 0;

	constructor(ctx: DurableObjectState, env: Env, schema: readonly string[]) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		migrate(ctx.storage, schema);
	}

	/** Adds `rowsWritten` to the count and hands it on. */
	protected count(rowsWritten: number): number {
		this.written += rowsWritten;
		return rowsWritten;
	}
}

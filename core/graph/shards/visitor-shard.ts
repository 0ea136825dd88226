import { DurableObject } from "cloudflare:workers";
import type { VisitorRecord } from "../records";
import { migrate } from "./migrate";
import type { GraphPair, PartnerIdKey, ShardSize } from "./types";
import * as sql from "./visitor-queries";

/**
 * One visitor shard: the pairs and opt-outs of the visitors whose buckets the shard map gives it.
 * Its methods are called over RPC by the sharded store (core/graph/shards/store.ts) only; each runs
 * without awaiting, so it is atomic inside the object.
 */
export class VisitorShard extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	/** Rows written since the object woke (SQLite's own count, index entries included): for the bench. */
	private written = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		migrate(ctx.storage, sql.VISITOR_SCHEMA);
	}

	optedOutAmong(uuids: readonly string[]): string[] {
		return uuids.filter((uuid) => this.optedOutAt(uuid) !== null);
	}

	read(uuid: string): VisitorRecord {
		const pairs = this.sql.exec<sql.PairRow>(sql.PAIRS_OF, uuid).toArray();
		return {
			uuid,
			optedOutAt: this.optedOutAt(uuid),
			pairs: pairs.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid, firstSeen: r.first_seen, lastSeen: r.last_seen })),
		};
	}

	/**
	 * Mirrors the partner-ID shards' changes: `pairs` as they now are, `removals` the visitors that
	 * partner IDs moved away from. A pair of a visitor who opted out meanwhile is refused and named, so
	 * the store can take the partner ID's mapping back.
	 */
	recordPairs(
		pairs: readonly GraphPair[],
		removals: ReadonlyArray<PartnerIdKey & { uuid: string }>,
	): { refused: GraphPair[]; rowsWritten: number } {
		const refused: GraphPair[] = [];
		let rowsWritten = 0;
		this.ctx.storage.transactionSync(() => {
			for (const r of removals) rowsWritten += this.sql.exec(sql.REMOVE_PAIR, r.uuid, r.dpid, r.dpuuid).rowsWritten;
			for (const p of pairs) {
				if (this.optedOutAt(p.uuid) !== null) refused.push(p);
				else
					rowsWritten += this.sql.exec(sql.MIRROR_PAIR, p.uuid, p.dpid, p.dpuuid, p.firstSeen, p.lastSeen).rowsWritten;
			}
		});
		this.written += rowsWritten;
		return { refused, rowsWritten };
	}

	/** Records a global opt-out (from now on every pair of `uuid` is refused) and names the pairs it held. */
	optOut(uuid: string, at: number): PartnerIdKey[] {
		this.written += this.sql.exec(sql.RECORD_OPT_OUT, uuid, at).rowsWritten;
		return this.sql
			.exec<sql.PairRow>(sql.PAIRS_OF, uuid)
			.toArray()
			.map((r) => ({ dpid: r.dpid, dpuuid: r.dpuuid }));
	}

	/** The graph copy (D1 → shards): global opt-outs as D1 recorded them; one already here stays. */
	importOptOuts(rows: ReadonlyArray<{ uuid: string; optedOutAt: number }>): number {
		let written = 0;
		this.ctx.storage.transactionSync(() => {
			for (const r of rows) written += this.sql.exec(sql.RECORD_OPT_OUT, r.uuid, r.optedOutAt).rowsWritten;
		});
		return this.count(written);
	}

	/** After the partner-ID shards have let go of them: the opted-out visitor's pairs go. */
	dropPairs(uuid: string): number {
		return this.count(this.sql.exec(sql.REMOVE_PAIRS_OF, uuid).rowsWritten);
	}

	removePair(uuid: string, dpid: number, dpuuid: string): number {
		return this.count(this.sql.exec(sql.REMOVE_PAIR, uuid, dpid, dpuuid).rowsWritten);
	}

	/** Rows held, bytes on disk and rows written since waking: for the migration check and the bench. */
	size(): ShardSize {
		const rows = this.sql.exec<sql.CountRow>(sql.COUNT_PAIRS).one().n;
		const optOuts = this.sql.exec<sql.CountRow>(sql.COUNT_OPT_OUTS).one().n;
		return { rows, optOuts, bytes: this.sql.databaseSize, rowsWritten: this.written };
	}

	private count(rowsWritten: number): number {
		this.written += rowsWritten;
		return rowsWritten;
	}

	private optedOutAt(uuid: string): number | null {
		return this.sql.exec<sql.OptedOutRow>(sql.OPTED_OUT_AT, uuid).toArray()[0]?.opted_out_at ?? null;
	}
}

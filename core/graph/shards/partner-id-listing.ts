import { rowsAmong } from "./sql-lists";

/**
 * A partner-ID shard's part of outbound listings: the partner's IDs (or their opt-out removals) in key
 * order, read as range scans of the primary key, a page at a time.
 */

/** One partner ID with its visitor and the time that matters to the listing (paired or removed). */
export type ListedId = {
	dpuuid: string;
	uuid: string;
	since: number;
};

/** ?1 dpid, ?2 after this partner ID, ?3 most. */
export const IDS_PAGE = `SELECT dpuuid, uuid, paired_at AS since FROM ids
WHERE dpid = ?1 AND dpuuid > ?2 ORDER BY dpuuid LIMIT ?3`;
/** ?1 dpid, ?2 after, ?3 since, ?4 until, ?5 most: mappings an opt-out removed in (since, until]. */
export const REMOVALS_PAGE = `SELECT dpuuid, uuid, removed_at AS since FROM tombstones
WHERE dpid = ?1 AND dpuuid > ?2 AND removed_at > ?3 AND removed_at <= ?4 ORDER BY dpuuid LIMIT ?5`;
export const COUNT_IDS_OF = "SELECT count(*) AS n FROM ids WHERE dpid = ?1";
export const COUNT_REMOVALS_OF =
	"SELECT count(*) AS n FROM tombstones WHERE dpid = ?1 AND removed_at > ?2 AND removed_at <= ?3";
type CountRow = { n: number };
/**
 * ?1 dpid, ?2 every: every ?2-th of the partner's IDs here in key order, and the last one, with its rank
 * (a range scan of the primary key inside the object; only the sample leaves it).
 */
export const IDS_SAMPLE = `SELECT dpuuid, r FROM (
	SELECT dpuuid, row_number() OVER (ORDER BY dpuuid) AS r, count(*) OVER () AS n FROM ids WHERE dpid = ?1
) WHERE r % ?2 = 0 OR r = n ORDER BY r`;
/** ?1 dpid, ?2 JSON list of partner IDs: the mappings held, with the time each was paired. */
export const LISTED_MAPPINGS_AMONG = `SELECT dpuuid, uuid, paired_at AS since FROM ids
WHERE dpid = ?1 AND dpuuid IN (SELECT value FROM json_each(?2))`;
/** ?1 the oldest removal still kept. */
export const PRUNE_TOMBSTONES = "DELETE FROM tombstones WHERE removed_at < ?1";

export function listIds(db: SqlStorage, dpid: number, after: string, limit: number): ListedId[] {
	return db.exec<ListedId>(IDS_PAGE, dpid, after, limit).toArray();
}

export function listRemovals(
	db: SqlStorage,
	q: { dpid: number; after: string; since: number; until: number },
	limit: number,
): ListedId[] {
	return db.exec<ListedId>(REMOVALS_PAGE, q.dpid, q.after, q.since, q.until, limit).toArray();
}

/** The mappings of `dpuuids` (those held), with their paired time. */
export function mappingsOf(db: SqlStorage, dpid: number, dpuuids: readonly string[]): ListedId[] {
	return rowsAmong<ListedId>(db, LISTED_MAPPINGS_AMONG, dpuuids, dpid);
}

/** The partner's IDs held here, plus its removals in `window`: a bound on what listings can list. */
export function countListing(db: SqlStorage, dpid: number, window: { since: number; until: number } | null): number {
	const ids = db.exec<CountRow>(COUNT_IDS_OF, dpid).one().n;
	return window ? ids + db.exec<CountRow>(COUNT_REMOVALS_OF, dpid, window.since, window.until).one().n : ids;
}

/** One sampled key and how many of the shard's keys end at it since the sample before (its block). */
export type SampledKey = { key: string; weight: number };

/** Every `every`-th of the partner's IDs held here, and the last: what plans outbound windows. */
export function sampleIds(db: SqlStorage, dpid: number, every: number): SampledKey[] {
	let previous = 0;
	return db
		.exec<{ dpuuid: string; r: number }>(IDS_SAMPLE, dpid, every)
		.toArray()
		.map(({ dpuuid, r }) => {
			const weight = r - previous;
			previous = r;
			return { key: dpuuid, weight };
		});
}

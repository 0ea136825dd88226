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
/** ?1 dpid, ?2 dpuuid: the mapping with the time it was paired. */
export const LISTED_MAPPING = "SELECT dpuuid, uuid, paired_at AS since FROM ids WHERE dpid = ?1 AND dpuuid = ?2";
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
	return dpuuids.flatMap((dpuuid) => db.exec<ListedId>(LISTED_MAPPING, dpid, dpuuid).toArray());
}

/** The partner's IDs held here, plus its removals in `window`: a bound on what listings can list. */
export function countListing(db: SqlStorage, dpid: number, window: { since: number; until: number } | null): number {
	const ids = db.exec<CountRow>(COUNT_IDS_OF, dpid).one().n;
	return window ? ids + db.exec<CountRow>(COUNT_REMOVALS_OF, dpid, window.since, window.until).one().n : ids;
}

/**
 * Orders strings as SQLite's BINARY collation does (by UTF-8 bytes, so by code point), which differs
 * from JavaScript's UTF-16 order for characters above U+FFFF against U+E000..U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x !== y) return codePointRank(x) - codePointRank(y);
	}
	return a.length - b.length;
}

// Surrogates (code points above U+FFFF) move above U+E000..U+FFFF, which move down to make room.
function codePointRank(unit: number): number {
	if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
	return unit >= 0xe000 ? unit - 0x800 : unit;
}

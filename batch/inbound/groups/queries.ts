/**
 * SQL of a delivery's groups and pieces (batch/inbound/groups/store.ts runs them): what each group
 * step recorded, and where each bucket starts in each piece.
 */

// ---- groups: a group's counts, written after the graph store applied its effects (once per group key) ----

/** ?1 delivery, ?2 group. */
export const GROUP_COUNTS = "SELECT counts FROM inbound_groups WHERE delivery_id = ?1 AND grp = ?2";
export interface GroupCountsRow {
	/** A Tally as JSON (an older version's shape possibly: see StoredTally). */
	counts: string;
}

/** ?1 delivery, ?2 group, ?3 counts JSON, ?4 now. */
export const INSERT_GROUP = "INSERT INTO inbound_groups (delivery_id, grp, counts, applied_at) VALUES (?1, ?2, ?3, ?4)";

// ---- pieces: where each bucket starts in each piece, while a delivery is applied ----

/** ?1 delivery, ?2 piece, ?3 starts (BLOB: BUCKETS + 1 big-endian uint32s). A retried split rewrites it. */
export const PUT_PIECE = `INSERT INTO inbound_pieces (delivery_id, piece, starts) VALUES (?1, ?2, ?3)
	ON CONFLICT (delivery_id, piece) DO UPDATE SET starts = excluded.starts`;

/**
 * ?1 delivery, ?2 first bucket, ?3 last bucket + 1: each piece's byte range of those buckets, as hex
 * (8 digits each). substr on a BLOB indexes bytes, so a row costs the same whatever its piece holds.
 */
export const PIECE_RANGES = `SELECT piece, hex(substr(starts, ?2 * 4 + 1, 4)) AS start_hex, hex(substr(starts, ?3 * 4 + 1, 4)) AS end_hex
	FROM inbound_pieces WHERE delivery_id = ?1 ORDER BY piece`;
export interface PieceRangeRow {
	piece: number;
	start_hex: string;
	end_hex: string;
}

/** ?1 delivery, ?2 first piece: the pieces of a refused file (and any after them) are forgotten. */
export const FORGET_PIECES_FROM = "DELETE FROM inbound_pieces WHERE delivery_id = ?1 AND piece >= ?2";

/** ?1 delivery: the pieces are gone with the receipt. */
export const FORGET_PIECES = "DELETE FROM inbound_pieces WHERE delivery_id = ?1";

import { allInSlices, slices } from "../../core/db/json-each";
import type { PairEvent } from "../../core/graph/pair-event";
import * as pairSql from "../../core/graph/queries";
import { isUuid } from "../../core/uuid";
import { addSample, emptyTally, type InboundFileName, mergeTallies, type StoredTally, type Tally } from "./parse";
import * as sql from "./queries";

/** One row of an `adobe_id_<MASTER>_<DPID>_…` file as the split step stores it. */
export interface IdChunkLine {
	n: number;
	/** [ID of MASTER_DPID (DPID 0 = an edgesync UUID), ID of DPID]. */
	ids: string[];
	t: string;
}

/**
 * File-based ID sync: every row pairs the DPID's user ID with the visitor the master column names.
 * The pair writes are idempotent upserts and the chunk's counts are recorded after them, so a retry
 * rewrites identical rows and counts once.
 */
export async function applyIdSyncChunk(
	db: D1Database,
	deliveryId: string,
	chunk: number,
	name: InboundFileName,
	lines: readonly IdChunkLine[],
	now: number,
): Promise<Tally> {
	const done = await db.prepare(sql.CHUNK_COUNTS).bind(deliveryId, chunk).first<{ counts: string }>();
	if (done) return mergeTallies([JSON.parse(done.counts) as StoredTally]);

	const master = name.masterDpid ?? 0;
	const masterIds = [...new Set(lines.map((l) => l.ids[0] ?? ""))];
	const resolved =
		master === 0
			? masterIds.filter(isUuid).map((id) => ({ dpuuid: id, uuid: id }))
			: await allInSlices<{ dpuuid: string; uuid: string }>(db, sql.RESOLVE_PARTNER_IDS, masterIds, master);
	const uuidOf = new Map(resolved.map((r) => [r.dpuuid, r.uuid]));
	const optedOut = await allInSlices<{ uuid: string }>(db, sql.OPTED_OUT_AMONG, [...new Set(uuidOf.values())]);
	const blocked = new Set(optedOut.map((r) => r.uuid));

	const tally = emptyTally();
	const c = tally.counts;
	const events: PairEvent[] = [];
	const users = new Map<string, { u: string; l: number; s: 1; o: 0; f: 0 }>();
	for (const line of lines) {
		c.recordsReceived++;
		const [masterId = "", dpuuid = ""] = line.ids;
		const uuid = uuidOf.get(masterId);
		if (!uuid || blocked.has(uuid)) {
			c.noMatchingId++;
			addSample(tally, "noMatchingId", { line: line.n, text: line.t });
			continue;
		}
		events.push({ dpid: name.dpid, dpuuid, uuid, at: name.timestamp * 1000 });
		const user = users.get(dpuuid) ?? { u: dpuuid, l: 0, s: 1, o: 0, f: 0 };
		user.l++;
		users.set(dpuuid, user);
	}
	await db.batch([
		...slices(events).map((part) => db.prepare(pairSql.UPSERT_PAIRS).bind(pairSql.eventsJson(part), now)),
		...slices([...users.values()]).map((part) =>
			db.prepare(sql.SAVE_USER_STATE).bind(deliveryId, JSON.stringify(part)),
		),
		db.prepare(sql.INSERT_CHUNK).bind(deliveryId, chunk, JSON.stringify(tally), now),
	]);
	return tally;
}

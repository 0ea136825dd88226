import type { PairEvent } from "../../core/graph/pair-event";
import { addSample, emptyTally, type InboundFileName, type Tally } from "./parse";

/** One row of an `adobe_id_<MASTER>_<DPID>[_<DPID>…]_…` file as the split step stores it. */
export interface IdChunkLine {
	n: number;
	/** [ID of MASTER_DPID (DPID 0 = an edgesync UUID), ID of each DPID of the name, in name order]. */
	ids: string[];
	t: string;
}

/** What the graph holds that an ID-sync chunk's outcome depends on. */
export interface IdChunkState {
	/** The UUID of each master ID of the chunk that has one (a UUID column: the IDs themselves). */
	uuidOf: ReadonlyMap<string, string>;
	/** The UUIDs among them that opted out: they get no pairs. */
	optedOut: ReadonlySet<string>;
}

export interface IdChunkDecision {
	/** One pair per DPID of the name for each matched row, seen at the file's timestamp. */
	events: PairEvent[];
	/** Its counts; the first DPID's distinct users that got pairs are its stored devices. */
	tally: Tally;
}

/**
 * Decides what a chunk of an ID-sync file does (pure): every row whose master ID has a UUID, of a
 * visitor who did not opt out, pairs each DPID's user ID of the row with that UUID (AAM: "Synchronization
 * maps the DPUUIDs from the master DPID and its related DPIDs to the UUIDs"); the others are not matched.
 */
export function decideIdChunk(
	name: InboundFileName,
	lines: readonly IdChunkLine[],
	state: IdChunkState,
): IdChunkDecision {
	const tally = emptyTally();
	const c = tally.counts;
	const events: PairEvent[] = [];
	const devices = new Set<string>();
	for (const line of lines) {
		c.recordsReceived++;
		const [masterId = "", ...dpuuids] = line.ids;
		const uuid = state.uuidOf.get(masterId);
		if (!uuid || state.optedOut.has(uuid)) {
			c.noMatchingId++;
			addSample(tally, "noMatchingId", { line: line.n, text: line.t });
			continue;
		}
		const at = name.timestampSeconds * 1000;
		for (const [i, dpid] of name.syncDpids.entries()) events.push({ dpid, dpuuid: dpuuids[i] ?? "", uuid, at });
		devices.add(dpuuids[0] ?? "");
	}
	tally.users.devices = devices.size;
	return { events, tally };
}

import type { PairEvent } from "../../core/graph/pair-event";
import { addSample, emptyTally, type InboundFileName, type Tally } from "./parse";

/** One row of an `adobe_id_<MASTER>_<DPID>_…` file as the split step stores it. */
export interface IdChunkLine {
	n: number;
	/** [ID of MASTER_DPID (DPID 0 = an edgesync UUID), ID of DPID]. */
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
	/** One pair per matched row, seen at the file's timestamp. */
	events: PairEvent[];
	/** Its counts; the DPID's distinct users that got a pair are its stored devices. */
	tally: Tally;
}

/**
 * Decides what a chunk of an ID-sync file does (pure): every row whose master ID has a UUID, of a
 * visitor who did not opt out, pairs the DPID's user ID with that UUID; the others are not matched.
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
		const [masterId = "", dpuuid = ""] = line.ids;
		const uuid = state.uuidOf.get(masterId);
		if (!uuid || state.optedOut.has(uuid)) {
			c.noMatchingId++;
			addSample(tally, "noMatchingId", { line: line.n, text: line.t });
			continue;
		}
		events.push({ dpid: name.dpid, dpuuid, uuid, at: name.timestampSeconds * 1000 });
		devices.add(dpuuid);
	}
	tally.users.devices = devices.size;
	return { events, tally };
}

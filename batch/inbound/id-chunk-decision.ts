import type { PairEvent } from "../../core/graph/pair-event";
import type { UserState } from "./delivery";
import { addSample, emptyTally, type InboundFileName, type Tally } from "./parse";

/** One row of an `adobe_id_<MASTER>_<DPID>_…` file as the split step stores it. */
export interface IdChunkLine {
	n: number;
	/** [ID of MASTER_DPID (DPID 0 = an edgesync UUID), ID of DPID]. */
	ids: string[];
	t: string;
}

/** What D1 holds that an ID-sync chunk's outcome depends on. */
export interface IdChunkState {
	/** The UUID of each master ID of the chunk that has one (a UUID column: the IDs themselves). */
	uuidOf: ReadonlyMap<string, string>;
	/** The UUIDs among them that opted out: they get no pairs. */
	optedOut: ReadonlySet<string>;
}

export interface IdChunkDecision {
	/** One pair per matched row, seen at the file's timestamp. */
	events: PairEvent[];
	/** The DPID's users that got a pair (each counts as a stored device). */
	users: UserState[];
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
	const users = new Map<string, UserState>();
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
		const user = users.get(dpuuid) ?? {
			userId: dpuuid,
			lines: 0,
			stored: true,
			overwritten: false,
			failedValidation: false,
		};
		user.lines++;
		users.set(dpuuid, user);
	}
	return { events, users: [...users.values()], tally };
}

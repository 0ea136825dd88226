import type { MembershipChange, TraitChange } from "../../core/graph/memberships/types";
import { MAX_LINES_PER_USER } from "../../core/inbound-limits";
import { isUuid } from "../../core/uuid";
import type { TraitCatalog } from "../traits/catalog";
import { addSample, countFormatError, emptyTally, type Tally } from "./parse";
import { type LineSignal, realize } from "./realize";

/** One parsed line of a trait file as the split step stores it in a piece. */
export interface ChunkLine {
	/** Line number in the delivery (1-based, counting across split parts). */
	n: number;
	/** The user ID exactly as in the file. */
	u: string;
	s: LineSignal[];
	/** The raw line (cut), for error samples. */
	t: string;
}

export interface ChunkTarget {
	deliveryId: string;
	/** Whose user IDs the file carries. */
	idSource: number;
	idType: "partner" | "uuid";
	/** Whose traits the file sets (the target DPID when the name has one). */
	traitSource: number;
	mode: "sync" | "overwrite";
}

/** What the graph holds that a chunk's outcome depends on, read before deciding. */
export interface ChunkState {
	/** The UUID of each user ID of the chunk that has one (partner IDs through the ID graph). */
	uuidOf: ReadonlyMap<string, string>;
	/** The UUIDs among them that opted out: nothing is ever written for them. */
	optedOut: ReadonlySet<string>;
}

/** A user of the chunk while it is decided. */
interface UserState {
	/** Lines of this user so far in the delivery. */
	lines: number;
	/** Some line of the user stored something ("Total devices"). */
	stored: boolean;
	/** An .overwrite already replaced the user's traits of the source (on an earlier line). */
	overwritten: boolean;
	/** Some line named a trait of another data source ("Total users that have traits which failed validation"). */
	failedValidation: boolean;
}

/**
 * What applying a chunk writes. The tally lacks one count the graph store adds when it applies the
 * change: the traits an .overwrite took away (they are known only where the traits are).
 */
export interface ChunkDecision {
	/** UUIDs whose traits of the source go first (their first line in an .overwrite), with that line's traits. */
	cleared: Array<TraitChange["cleared"][number]>;
	/** Trait additions and removals, at most one per user and trait (the later line wins). */
	effects: MembershipChange[];
	/** Its counts, with the distinct users that stored something or failed validation. */
	tally: Tally;
}

/**
 * Decides what a chunk of a trait file does (a chunk holds every line of its users: a group, see
 * groups/plan.ts), from its lines and what the graph holds (pure: no I/O). The rules,
 * in the order a line meets them: at most 200 lines per user and delivery (the rest are format errors);
 * a UUID partner's IDs must be UUIDs; a user without a UUID, or one that opted out, is not matched; the
 * signals are realized against the source's traits (traits of another source fail validation); a line
 * that realizes nothing counts as such; the first realizing line of a user in an .overwrite file
 * replaces the source's traits of that user.
 */
export function decideChunk(
	target: ChunkTarget,
	lines: readonly ChunkLine[],
	state: ChunkState,
	catalog: TraitCatalog,
): ChunkDecision {
	const tally = emptyTally();
	const c = tally.counts;
	const users = new Map<string, UserState>();
	const userOf = (userId: string): UserState => {
		let user = users.get(userId);
		if (!user) {
			user = { lines: 0, stored: false, overwritten: false, failedValidation: false };
			users.set(userId, user);
		}
		return user;
	};
	const cleared: ChunkDecision["cleared"] = [];
	const effect = new Map<string, MembershipChange>();
	for (const line of lines) {
		c.recordsReceived++;
		const user = userOf(line.u);
		user.lines++;
		if (user.lines > MAX_LINES_PER_USER) {
			// Sampled without the line's text, as receipts always showed it.
			countFormatError(tally, line.n, "too_many_lines_for_user");
			continue;
		}
		if (target.idType === "uuid" && !isUuid(line.u)) {
			c.invalidIds++;
			addSample(tally, "invalidIds", { line: line.n, text: line.t });
			continue;
		}
		const uuid = state.uuidOf.get(line.u);
		if (!uuid || state.optedOut.has(uuid)) {
			c.noMatchingId++;
			addSample(tally, "noMatchingId", { line: line.n, text: line.t });
			continue;
		}
		const r = realize(line.s, catalog, target.mode);
		c.totalSignals += r.signals;
		c.totalUnusedSignals += r.unused;
		c.totalTraitsFailedValidation += r.failedValidation;
		if (r.failedValidation > 0) {
			user.failedValidation = true;
			addSample(tally, "traitsFailedValidation", { line: line.n, text: line.t });
		}
		if (r.adds.size === 0 && r.removes.size === 0) {
			c.noTraitRealized++;
			addSample(tally, "noTraitRealized", { line: line.n, text: line.t });
			continue;
		}
		user.stored = true;
		if (target.mode === "overwrite" && !user.overwritten) {
			// The first line of a user in an .overwrite file replaces that source's traits of the user.
			user.overwritten = true;
			cleared.push({ uuid, keep: [...r.adds] });
		}
		c.totalRealizedTraits += r.adds.size;
		c.totalRemovedTraits += r.removes.size;
		// Later lines win over earlier ones for the same user and trait, as if applied one by one.
		for (const id of r.removes) effect.set(`${uuid} ${id}`, { uuid, trait: id, add: false });
		for (const id of r.adds) effect.set(`${uuid} ${id}`, { uuid, trait: id, add: true });
	}
	for (const user of users.values()) {
		if (user.stored) tally.users.devices++;
		if (user.failedValidation) tally.users.failedValidation++;
	}
	return { cleared, effects: [...effect.values()], tally };
}

import { allInSlices, slices } from "../../core/db/json-each";
import { MAX_LINES_PER_USER } from "../../core/inbound-limits";
import { isUuid } from "../../core/uuid";
import { segmentStatementsAfter } from "../segments/membership";
import type { Segment } from "../segments/schema";
import type { TraitCatalog } from "../traits/queries";
import { emptyTally, sample, type Tally } from "./counts";
import * as sql from "./queries";
import { type LineSignal, realize } from "./realize";

/** One parsed line as the split step stores it in a chunk object. */
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

type UserState = { u: string; l: number; s: 0 | 1; o: 0 | 1; f: 0 | 1 };

/**
 * Applies one chunk of a delivery to D1 exactly once: its effects, the segment entries and exits they
 * cause, its per-user state and its counts are written in one transaction, and a chunk already recorded returns its stored counts untouched.
 */
export async function applyChunk(
	db: D1Database,
	target: ChunkTarget,
	chunk: number,
	lines: readonly ChunkLine[],
	catalog: TraitCatalog,
	now: number,
	segments: readonly Segment[] = [],
): Promise<Tally> {
	const done = await db.prepare(sql.CHUNK_COUNTS).bind(target.deliveryId, chunk).first<{ counts: string }>();
	if (done) return JSON.parse(done.counts) as Tally;

	const userIds = [...new Set(lines.map((l) => l.u))];
	const [uuidOf, state] = await Promise.all([resolve(db, target, userIds), userState(db, target, userIds)]);
	const uuids = [...new Set(uuidOf.values())];
	const [optedOut, existing] = await Promise.all([
		allInSlices<{ uuid: string }>(db, sql.OPTED_OUT_AMONG, uuids),
		target.mode === "overwrite" ? sourceMemberships(db, target.traitSource, uuids) : new Map<string, Set<number>>(),
	]);
	const blocked = new Set(optedOut.map((r) => r.uuid));

	const tally = emptyTally();
	const c = tally.counts;
	const clear: string[] = [];
	const effect = new Map<string, { uuid: string; trait: number; add: boolean }>();
	for (const line of lines) {
		c.recordsReceived++;
		const user = state.get(line.u) ?? { u: line.u, l: 0, s: 0, o: 0, f: 0 };
		state.set(line.u, user);
		user.l++;
		if (user.l > MAX_LINES_PER_USER) {
			c.formatErrors++;
			sample(tally.samples, "formatErrors", line.n, `more than ${MAX_LINES_PER_USER} lines for this user`);
			continue;
		}
		if (target.idType === "uuid" && !isUuid(line.u)) {
			c.invalidIds++;
			sample(tally.samples, "invalidIds", line.n, line.t);
			continue;
		}
		const uuid = uuidOf.get(line.u);
		if (!uuid || blocked.has(uuid)) {
			c.noMatchingId++;
			sample(tally.samples, "noMatchingId", line.n, line.t);
			continue;
		}
		const r = realize(line.s, catalog, target.mode);
		c.totalSignals += r.signals;
		c.totalUnusedSignals += r.unused;
		c.totalTraitsFailedValidation += r.failedValidation;
		if (r.failedValidation > 0) {
			user.f = 1;
			sample(tally.samples, "traitsFailedValidation", line.n, line.t);
		}
		if (r.adds.size === 0 && r.removes.size === 0) {
			c.noTraitRealized++;
			sample(tally.samples, "noTraitRealized", line.n, line.t);
			continue;
		}
		user.s = 1;
		if (target.mode === "overwrite" && !user.o) {
			// The first line of a user in an .overwrite file replaces that source's traits of the user.
			user.o = 1;
			clear.push(uuid);
			for (const id of existing.get(uuid) ?? []) if (!r.adds.has(id)) c.totalRemovedTraits++;
		}
		c.totalRealizedTraits += r.adds.size;
		c.totalRemovedTraits += r.removes.size;
		// Later lines win over earlier ones for the same user and trait, as if applied one by one.
		for (const id of r.removes) effect.set(`${uuid} ${id}`, { uuid, trait: id, add: false });
		for (const id of r.adds) effect.set(`${uuid} ${id}`, { uuid, trait: id, add: true });
	}

	const effects = [...effect.values()];
	const segmentUpdates = await segmentStatementsAfter(
		db,
		segments,
		{ traitSource: target.traitSource, cleared: clear, effects },
		now,
	);
	const adds = effects.filter((e) => e.add).map((e) => [e.uuid, e.trait]);
	const removes = effects.filter((e) => !e.add).map((e) => [e.uuid, e.trait]);
	await db.batch([
		...slices(clear).map((part) =>
			db.prepare(sql.CLEAR_SOURCE_MEMBERSHIPS).bind(target.traitSource, JSON.stringify(part)),
		),
		...slices(removes).map((part) => db.prepare(sql.REMOVE_MEMBERSHIPS).bind(JSON.stringify(part))),
		...slices(adds).map((part) => db.prepare(sql.ADD_MEMBERSHIPS).bind(JSON.stringify(part), target.traitSource, now)),
		...slices([...state.values()]).map((part) =>
			db.prepare(sql.SAVE_USER_STATE).bind(target.deliveryId, JSON.stringify(part)),
		),
		...segmentUpdates,
		db.prepare(sql.INSERT_CHUNK).bind(target.deliveryId, chunk, JSON.stringify(tally), now),
	]);
	return tally;
}

async function resolve(db: D1Database, target: ChunkTarget, userIds: string[]): Promise<Map<string, string>> {
	if (target.idType === "uuid") return new Map(userIds.filter(isUuid).map((u) => [u, u]));
	const found = await allInSlices<{ dpuuid: string; uuid: string }>(
		db,
		sql.RESOLVE_PARTNER_IDS,
		userIds,
		target.idSource,
	);
	return new Map(found.map((r) => [r.dpuuid, r.uuid]));
}

async function userState(db: D1Database, target: ChunkTarget, userIds: string[]): Promise<Map<string, UserState>> {
	const found = await allInSlices<{ user_id: string; lines: number; overwritten: number }>(
		db,
		sql.USER_STATE,
		userIds,
		target.deliveryId,
	);
	return new Map(found.map((r) => [r.user_id, { u: r.user_id, l: r.lines, s: 0, o: r.overwritten ? 1 : 0, f: 0 }]));
}

async function sourceMemberships(db: D1Database, dpid: number, uuids: string[]): Promise<Map<string, Set<number>>> {
	const out = new Map<string, Set<number>>();
	for (const r of await allInSlices<{ uuid: string; trait_id: number }>(db, sql.SOURCE_MEMBERSHIPS, uuids, dpid)) {
		out.set(r.uuid, (out.get(r.uuid) ?? new Set()).add(r.trait_id));
	}
	return out;
}

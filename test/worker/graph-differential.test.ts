// Differential property: the sharded store answers exactly as the D1 reference does, for any history
// of syncs (new pairs, moves, refreshes, late and out-of-order sightings), global and partner opt-outs,
// trait changes (.sync and .overwrite, retried), segment backfills and trait deletions. Both stores
// replay the same history; after every step their answers are compared: each visitor both ways, each
// partner ID, /id's due-sync input, opt-out state, traits and segments, the outbound listings and what
// output templates read.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BACKFILL_START, type BackfillCursor } from "../../core/graph/memberships/types";
import { lastSeenByPartner } from "../../core/graph/records";
import type { PairStore } from "../../core/graph/store";
import { graphStores } from "./support/graph";

const VISITORS = 4;
const IDS = 5;
const TRAITS = 4;
const HOUR = 3_600_000;
const T = (id: number) => ({ op: "trait" as const, id });
/** The segments every trait change evaluates: T1 AND NOT T2, T3 OR T4, NOT T1. */
const SEGMENTS = [
	{ id: 1, tree: { op: "and" as const, args: [T(1), { op: "not" as const, arg: T(2) }] } },
	{ id: 2, tree: { op: "or" as const, args: [T(3), T(4)] } },
	{ id: 3, tree: { op: "not" as const, arg: T(1) } },
];
/** A segment saved later, which only a backfill evaluates: T2 AND T4. */
const BACKFILLED = { id: 4, tree: { op: "and" as const, args: [T(2), T(4)] } };
const trait = fc.integer({ min: 1, max: TRAITS });

const sighting = fc.record({
	visitor: fc.nat(VISITORS - 1),
	partner: fc.constantFrom(1, 2),
	id: fc.nat(IDS - 1),
	// Hours, with ties and late arrivals: batches are not in time order.
	hour: fc.integer({ min: 0, max: 60 }),
});
const step = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.record({
			kind: fc.constant("sync" as const),
			batch: fc.array(sighting, { minLength: 1, maxLength: 6 }),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant("forget-visitor" as const),
			visitor: fc.nat(VISITORS - 1),
			hour: fc.nat(60),
		}),
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant("traits" as const),
			source: fc.constantFrom(1, 2),
			cleared: fc.array(fc.record({ visitor: fc.nat(VISITORS - 1), keep: fc.uniqueArray(trait) }), {
				maxLength: 2,
			}),
			effects: fc.uniqueArray(fc.record({ visitor: fc.nat(VISITORS - 1), trait, add: fc.boolean() }), {
				maxLength: 6,
				selector: (e) => `${e.visitor} ${e.trait}`,
			}),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("backfill" as const) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("drop-trait" as const), trait }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant("forget-id" as const),
			partner: fc.constantFrom(1, 2),
			id: fc.nat(IDS - 1),
			hour: fc.nat(60),
		}),
	},
);

describe("property: the sharded store answers as the D1 reference", () => {
	// Thousands of store calls on a 2-core machine: longer than the suite's 30 s default.
	it("for any history of syncs, moves, opt-outs, trait changes and backfills", { timeout: 180_000 }, async () => {
		let run = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
				run++;
				// Each run has its own partners and visitors in the shared D1, and its own shard objects.
				const { d1, shards } = graphStores();
				const dpid = (p: number) => 100_000 * run + p;
				const uuid = (v: number) => `${run}`.padStart(19, "0") + `${v}`.padStart(19, "9");
				const dpuuid = (i: number) => `id-${i}`;
				const T0 = Date.UTC(2026, 10, 1);
				for (const [n, s] of steps.entries()) {
					const now = T0 + n;
					if (s.kind === "sync") {
						const events = s.batch.map((e) => ({
							dpid: dpid(e.partner),
							dpuuid: dpuuid(e.id),
							uuid: uuid(e.visitor),
							at: T0 + e.hour * HOUR,
						}));
						const [a, b] = [await d1.upsert(events, now), await shards.upsert(events, now)];
						expect(b.kept.map((e) => events.indexOf(e))).toEqual(a.kept.map((e) => events.indexOf(e)));
						expect([...b.created].map((e) => events.indexOf(e)).sort()).toEqual(
							[...a.created].map((e) => events.indexOf(e)).sort(),
						);
						expect([...b.optedOutVisitors].sort()).toEqual([...a.optedOutVisitors].sort());
					} else if (s.kind === "forget-visitor") {
						await d1.forgetVisitor(uuid(s.visitor), T0 + s.hour * HOUR);
						await shards.forgetVisitor(uuid(s.visitor), T0 + s.hour * HOUR);
					} else if (s.kind === "traits") {
						const change = {
							key: `run ${run} step ${n}`,
							source: dpid(s.source),
							cleared: [...new Map(s.cleared.map((c) => [uuid(c.visitor), c.keep]))].map(([u, keep]) => ({
								uuid: u,
								keep,
							})),
							effects: s.effects.map((e) => ({ uuid: uuid(e.visitor), trait: e.trait, add: e.add })),
						};
						const first = await d1.applyTraits(change, SEGMENTS, now);
						expect(await shards.applyTraits(change, SEGMENTS, now)).toEqual(first);
						// A retried step (same key) writes nothing and answers as the first time.
						expect(await d1.applyTraits(change, SEGMENTS, now + 1)).toEqual(first);
						expect(await shards.applyTraits(change, SEGMENTS, now + 1)).toEqual(first);
					} else if (s.kind === "backfill") {
						await backfill(d1, now);
						await backfill(shards, now);
					} else if (s.kind === "drop-trait") {
						await d1.dropTrait(s.trait);
						await shards.dropTrait(s.trait);
					} else {
						const args = [dpid(s.partner), dpuuid(s.id), T0 + s.hour * HOUR] as const;
						expect(await shards.forgetPartnerId(...args)).toBe(await d1.forgetPartnerId(...args));
					}
					expect(await answers(shards)).toEqual(await answers(d1));
				}
			}),
			{ numRuns: 60 },
		);

		// Every question at once (the answers are compared in a fixed order).
		async function answers(store: PairStore) {
			const visitors = Array.from(
				{ length: VISITORS },
				(_, v) => `${run}`.padStart(19, "0") + `${v}`.padStart(19, "9"),
			);
			const ids = Array.from({ length: IDS }, (_, i) => `id-${i}`);
			const dpids = [1, 2].map((p) => 100_000 * run + p);
			return Promise.all([
				...visitors.map(async (u) => {
					const record = await store.visitor(u);
					return [record, [...lastSeenByPartner(record)], await store.isOptedOut(u)];
				}),
				store.optedOutAmong(visitors).then((set) => [...set].sort()),
				...dpids.flatMap((dpid) => ids.map((id) => store.partnerId(dpid, id))),
				...dpids.map((dpid) => store.uuidsOfPartnerIds(dpid, ids).then((m) => [...m].sort())),
				...visitors.map((u) => store.memberships(u)),
				// What outbound templates read: the partner's IDs of each visitor, their traits since when.
				...dpids.map((dpid) => store.lineFacts({ dpid, uuids: visitors, traits: [1, 3, TRAITS] })),
				...dpids.flatMap((dpid) => {
					const q = { dpid, segments: [1, 2, 3, 4], after: "", limit: 1_000 };
					// An iter window over the middle of the history (steps run at T0 + n).
					const window = { since: Date.UTC(2026, 10, 1) + 2, until: Date.UTC(2026, 10, 1) + 6 };
					return [
						store.memberPage({ ...q, endedAfter: 0 }),
						store.removalPage({ ...q, since: 0, until: 2 ** 52 }),
						store.changedMemberPage({ ...q, ...window }),
					];
				}),
			]);
		}

		async function backfill(store: PairStore, now: number) {
			let cursor: BackfillCursor | null = BACKFILL_START;
			while (cursor) cursor = (await store.backfillPage(BACKFILLED, cursor, now)).next;
		}
	});
});

// Differential property: the sharded store answers exactly as the D1 reference does, for any history
// of syncs (new pairs, moves, refreshes, late and out-of-order sightings), global and partner opt-outs,
// and the ID-sync files' lookups. Both stores replay the same history; after every step their answers
// are compared: each visitor both ways, each partner ID, /id's due-sync input, opt-out state.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastSeenByPartner } from "../../core/graph/records";
import type { PairStore } from "../../core/graph/store";
import { graphStores } from "./support/graph";

const VISITORS = 4;
const IDS = 5;
const HOUR = 3_600_000;

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
	it("for any history of syncs, moves and opt-outs", { timeout: 120_000 }, async () => {
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
					} else if (s.kind === "forget-visitor") {
						await d1.forgetVisitor(uuid(s.visitor), T0 + s.hour * HOUR);
						await shards.forgetVisitor(uuid(s.visitor), T0 + s.hour * HOUR);
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
			]);
		}
	});
});

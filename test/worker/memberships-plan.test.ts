import { describe, expect, it } from "vitest";
import { planTraitChange, withoutVisitors } from "../../core/graph/memberships/plan";
import type { SegmentDef } from "../../core/graph/memberships/segment-rule";

const A = "a".repeat(38);
const B = "b".repeat(38);
const T = (id: number) => ({ op: "trait" as const, id });
// 1 = T1 AND NOT T2, 2 = T3.
const SEGMENTS: SegmentDef[] = [
	{ id: 1, tree: { op: "and", args: [T(1), { op: "not", arg: T(2) }] } },
	{ id: 2, tree: T(3) },
];

describe("planning a trait change (both stores apply this plan)", () => {
	it(".overwrite: the source's held traits go first; those the first line does not set again count as removed", () => {
		const plan = planTraitChange(
			{
				key: "d/0",
				source: 1000,
				cleared: [{ uuid: A, keep: [3, 4] }],
				effects: [
					{ uuid: A, trait: 3, add: true },
					{ uuid: A, trait: 4, add: true },
				],
			},
			[
				{ uuid: A, traitId: 1, dpid: 1000 },
				{ uuid: A, traitId: 2, dpid: 1000 },
				{ uuid: A, traitId: 3, dpid: 1000 },
				// Another source's trait survives the .overwrite.
				{ uuid: A, traitId: 9, dpid: 2000 },
			],
			new Set([`1 ${A}`]),
			SEGMENTS,
		);
		expect(plan.clear).toEqual([A]);
		expect(plan.removedByOverwrite).toBe(2);
		expect(plan.adds).toEqual([
			[A, 3],
			[A, 4],
		]);
		// Without T1 the visitor leaves segment 1; with T3 it enters segment 2.
		expect(plan.leave).toEqual([[1, A]]);
		expect(plan.enter).toEqual([[2, A]]);
	});

	it(".sync: removals and additions, and only the segments whose answer changed", () => {
		const plan = planTraitChange(
			{
				key: "d/1",
				source: 1000,
				cleared: [],
				effects: [
					{ uuid: A, trait: 2, add: false },
					{ uuid: B, trait: 1, add: true },
				],
			},
			[
				{ uuid: A, traitId: 1, dpid: 1000 },
				{ uuid: A, traitId: 2, dpid: 1000 },
			],
			new Set(),
			SEGMENTS,
		);
		expect(plan).toEqual({
			clear: [],
			removes: [[A, 2]],
			adds: [[B, 1]],
			removedByOverwrite: 0,
			enter: [
				[1, A],
				[1, B],
			],
			leave: [],
		});
	});

	it("leaves out the visitors a store refuses (opted out)", () => {
		const change = {
			key: "d/2",
			source: 1000,
			cleared: [{ uuid: A, keep: [] }],
			effects: [
				{ uuid: A, trait: 1, add: true },
				{ uuid: B, trait: 1, add: true },
			],
		};
		expect(withoutVisitors(change, (uuid) => uuid === A)).toEqual({
			key: "d/2",
			source: 1000,
			cleared: [],
			effects: [{ uuid: B, trait: 1, add: true }],
		});
	});
});

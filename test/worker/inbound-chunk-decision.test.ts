// The rules of applying a chunk, decided without D1: decideChunk (trait files) and decideIdChunk (ID
// sync) take the chunk's lines and the state read from D1 and return what to write and the counts.
// inbound-apply.test.ts covers the same rules through D1, with retries and transactions.
import { describe, expect, it } from "vitest";
import { type ChunkLine, type ChunkState, type ChunkTarget, decideChunk } from "../../batch/inbound/chunk-decision";
import { decideIdChunk } from "../../batch/inbound/id-chunk-decision";
import { emptyTally, type InboundFileName, parseInboundFileName } from "../../batch/inbound/parse";
import type { LineSignal } from "../../batch/inbound/realize";
import { catalogOf } from "../../batch/traits/catalog";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const add = (...ids: number[]): LineSignal[] => ids.map((traitId) => ({ kind: "add", traitId }));
const remove = (...ids: number[]): LineSignal[] => ids.map((traitId) => ({ kind: "remove", traitId }));
const line = (n: number, u: string, s: LineSignal[]): ChunkLine => ({ n, u, s, t: `${u}\tline ${n}` });

const trait = (id: number, dpid: number, rule: string | null = null) => ({
	id,
	dpid,
	name: `t${id}`,
	rule,
	createdAt: 0,
	updatedAt: 0,
});
// Data source 1000's traits (9 belongs to another source and is not in its catalog).
const catalog = catalogOf([1, 2, 3, 4, 5].map((id) => trait(id, 1000)).concat(trait(52, 1000, 'ic == "52"')));

const target = (mode: "sync" | "overwrite" = "sync", idType: "partner" | "uuid" = "partner"): ChunkTarget => ({
	deliveryId: "d1",
	idSource: 1000,
	idType,
	traitSource: 1000,
	mode,
});

function state(overrides: Partial<ChunkState> = {}): ChunkState {
	return {
		uuidOf: new Map([
			["p1", U1],
			["p2", U2],
		]),
		optedOut: new Set(),
		...overrides,
	};
}

describe("deciding a chunk of a trait file", () => {
	it("keeps at most 200 lines per user per delivery (a chunk holds every line of its users)", () => {
		const lines = Array.from({ length: 205 }, (_, i) => line(i + 1, "p1", add(1)));
		const d = decideChunk(target(), [...lines, line(206, "p2", add(2))], state(), catalog);
		expect(d.tally.counts).toMatchObject({ recordsReceived: 206, formatErrors: 5, totalRealizedTraits: 201 });
		expect(d.tally.problems).toEqual({ too_many_lines_for_user: 5 });
		expect(d.tally.samples.formatErrors?.map((s) => s.line)).toEqual([201, 202, 203, 204, 205]);
		expect(d.tally.samples.formatErrors?.[0]).toEqual({ line: 201, why: "more than 200 lines for this user" });
		expect(d.effects).toEqual([
			{ uuid: U1, trait: 1, add: true },
			{ uuid: U2, trait: 2, add: true },
		]);
		expect(d.tally.users).toEqual({ devices: 2, failedValidation: 0 });
	});

	it(".overwrite: a user's first realizing line replaces the source's traits and names the traits it sets", () => {
		const d = decideChunk(target("overwrite"), [line(1, "p1", add(3, 4, 5)), line(2, "p1", add(2))], state(), catalog);
		expect(d.cleared).toEqual([{ uuid: U1, keep: [3, 4, 5] }]);
		expect(d.effects).toEqual([
			{ uuid: U1, trait: 3, add: true },
			{ uuid: U1, trait: 4, add: true },
			{ uuid: U1, trait: 5, add: true },
			{ uuid: U1, trait: 2, add: true },
		]);
		// What the .overwrite takes away is counted where the traits are (memberships-plan.test.ts).
		expect(d.tally.counts).toMatchObject({ totalRealizedTraits: 4, totalRemovedTraits: 0 });
		expect(d.tally.users).toEqual({ devices: 1, failedValidation: 0 });
	});

	it(".overwrite: a user is cleared once, by the first line that realizes a trait", () => {
		const d = decideChunk(
			target("overwrite"),
			[line(1, "p1", [{ kind: "kv", key: "x", value: "y" }]), line(2, "p1", add(4)), line(3, "p1", add(5))],
			state(),
			catalog,
		);
		expect(d.cleared).toEqual([{ uuid: U1, keep: [4] }]);
		expect(d.effects).toEqual([
			{ uuid: U1, trait: 4, add: true },
			{ uuid: U1, trait: 5, add: true },
		]);
	});

	it("removals: in a .sync file they remove, the later line winning per user and trait; in an .overwrite they are unused", () => {
		const sync = decideChunk(
			target(),
			[line(1, "p1", add(1)), line(2, "p1", remove(1)), line(3, "p2", remove(2)), line(4, "p2", add(2))],
			state(),
			catalog,
		);
		expect(sync.effects).toEqual([
			{ uuid: U1, trait: 1, add: false },
			{ uuid: U2, trait: 2, add: true },
		]);
		expect(sync.tally.counts).toMatchObject({ totalRealizedTraits: 2, totalRemovedTraits: 2, totalUnusedSignals: 0 });

		const overwrite = decideChunk(target("overwrite"), [line(1, "p1", [...remove(1), ...add(2)])], state(), catalog);
		expect(overwrite.effects).toEqual([{ uuid: U1, trait: 2, add: true }]);
		expect(overwrite.tally.counts).toMatchObject({ totalSignals: 2, totalUnusedSignals: 1, totalRemovedTraits: 0 });
	});

	it("unknown users and opted-out visitors are not matched, and nothing is written for them", () => {
		const d = decideChunk(
			target(),
			[line(1, "nobody", add(1)), line(2, "p2", add(1))],
			state({ optedOut: new Set([U2]) }),
			catalog,
		);
		expect(d.effects).toEqual([]);
		expect(d.cleared).toEqual([]);
		expect(d.tally.counts).toMatchObject({ recordsReceived: 2, noMatchingId: 2, totalSignals: 0 });
		expect(d.tally.samples.noMatchingId).toEqual([
			{ line: 1, text: "nobody\tline 1" },
			{ line: 2, text: "p2\tline 2" },
		]);
		expect(d.tally.users).toEqual({ devices: 0, failedValidation: 0 });
	});

	it("traits of another data source fail validation; a line that realizes nothing is counted as such", () => {
		const d = decideChunk(
			target(),
			[
				line(1, "p1", add(1, 9)),
				line(2, "p2", [{ kind: "kv", key: "x", value: "y" }]),
				line(3, "p2", [{ kind: "kv", key: "ic", value: "52" }]),
			],
			state(),
			catalog,
		);
		expect(d.tally.counts).toEqual({
			...emptyTally().counts,
			recordsReceived: 3,
			noTraitRealized: 1,
			totalSignals: 4,
			totalUnusedSignals: 2,
			totalRealizedTraits: 2,
			totalTraitsFailedValidation: 1,
		});
		expect(d.tally.samples).toEqual({
			traitsFailedValidation: [{ line: 1, text: "p1\tline 1" }],
			noTraitRealized: [{ line: 2, text: "p2\tline 2" }],
		});
		expect(d.effects).toEqual([
			{ uuid: U1, trait: 1, add: true },
			{ uuid: U2, trait: 52, add: true },
		]);
		// Distinct users: p1 failed validation on one line; p2 stored on its second.
		expect(d.tally.users).toEqual({ devices: 2, failedValidation: 1 });
	});

	it("a UUID partner's user IDs must be 38-digit UUIDs", () => {
		const d = decideChunk(
			target("sync", "uuid"),
			[line(1, U1, add(1)), line(2, "12345", add(1))],
			state({ uuidOf: new Map([[U1, U1]]) }),
			catalog,
		);
		expect(d.tally.counts).toMatchObject({ invalidIds: 1, noMatchingId: 0, totalRealizedTraits: 1 });
		expect(d.tally.samples.invalidIds).toEqual([{ line: 2, text: "12345\tline 2" }]);
		expect(d.effects).toEqual([{ uuid: U1, trait: 1, add: true }]);
	});
});

describe("deciding a chunk of an ID-sync file", () => {
	const parsed = parseInboundFileName("adobe_id_0_2000_1790000000.sync");
	if ("error" in parsed) throw new Error(parsed.error);
	const name: InboundFileName = parsed;

	it("pairs each matched row at the file's time; unknown and opted-out master IDs make no pair", () => {
		const U3 = "3".repeat(38);
		const d = decideIdChunk(
			name,
			[
				{ n: 1, ids: [U1, "q1"], t: `${U1}\tq1` },
				{ n: 2, ids: [U1, "q1"], t: `${U1}\tq1` },
				{ n: 3, ids: [U2, "q2"], t: `${U2}\tq2` },
				{ n: 4, ids: [U3, "q3"], t: `${U3}\tq3` },
			],
			{
				uuidOf: new Map([
					[U1, U1],
					[U2, U2],
				]),
				optedOut: new Set([U2]),
			},
		);
		expect(d.events).toEqual([
			{ dpid: 2000, dpuuid: "q1", uuid: U1, at: 1_790_000_000_000 },
			{ dpid: 2000, dpuuid: "q1", uuid: U1, at: 1_790_000_000_000 },
		]);
		expect(d.tally.users).toEqual({ devices: 1, failedValidation: 0 });
		expect(d.tally.counts).toMatchObject({ recordsReceived: 4, noMatchingId: 2 });
		expect(d.tally.samples.noMatchingId?.map((s) => s.line)).toEqual([3, 4]);
	});
});

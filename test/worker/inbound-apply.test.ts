import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { applyChunk } from "../../batch/inbound/apply-chunk";
import type { ChunkLine, ChunkTarget } from "../../batch/inbound/chunk-decision";
import type { LineSignal } from "../../batch/inbound/realize";
import { catalogOf } from "../../batch/traits/catalog";
import { putTrait, traitsOfSource } from "../../batch/traits/store";
import { pairStoreOf } from "../../core/graph/select";
import { traitIdsOf } from "./support/graph";
import { seedPartner } from "./support/partners";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const add = (...ids: number[]): LineSignal[] => ids.map((traitId) => ({ kind: "add", traitId }));
const line = (n: number, u: string, s: LineSignal[]): ChunkLine => ({ n, u, s, t: `${u}\t…` });

const target = (deliveryId: string, mode: "sync" | "overwrite" = "sync"): ChunkTarget => ({
	deliveryId,
	idSource: 1000,
	idType: "partner",
	traitSource: 1000,
	mode,
});

async function apply(t: ChunkTarget, chunk: number, lines: ChunkLine[]) {
	const catalog = catalogOf(await traitsOfSource(env.DB, t.traitSource));
	return applyChunk(env.DB, pairStoreOf(env), t, chunk, lines, catalog, Date.now());
}

/** The next write of a group's counts fails, as if D1 went away right after the graph applied the group. */
function failGroupRecord(): void {
	const prepare = env.DB.prepare.bind(env.DB);
	vi.spyOn(env.DB, "prepare").mockImplementation((query: string) => {
		if (!query.startsWith("INSERT INTO inbound_groups")) return prepare(query);
		return { bind: () => ({ run: () => Promise.reject(new Error("D1 went away")) }) } as unknown as D1PreparedStatement;
	});
}

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await seedPartner({ dpid: 2000 });
	for (const id of [1, 2, 3, 4, 5]) await putTrait(env.DB, { id, dpid: 1000, name: `t${id}`, rule: null }, 0);
	await putTrait(env.DB, { id: 9, dpid: 2000, name: "other source", rule: null }, 0);
	await pairStoreOf(env).upsert([
		{ dpid: 1000, dpuuid: "p1", uuid: U1, at: 1 },
		{ dpid: 1000, dpuuid: "p2", uuid: U2, at: 1 },
	]);
});

describe("applying a group", () => {
	it(".sync a,b,c then .overwrite c,d,e leaves c,d,e (SPEC §5)", async () => {
		await apply(target("d1"), 0, [line(1, "p1", add(1, 2, 3))]);
		expect(await traitIdsOf(U1)).toEqual([1, 2, 3]);
		const tally = await apply(target("d2", "overwrite"), 0, [line(1, "p1", add(3, 4, 5))]);
		expect(await traitIdsOf(U1)).toEqual([3, 4, 5]);
		expect(tally.counts).toMatchObject({ totalRealizedTraits: 3, totalRemovedTraits: 2 });
	});

	it("counts unknown users, failed validation and lines that realize nothing", async () => {
		const tally = await apply(target("d1"), 0, [
			line(1, "nobody", add(1)),
			line(2, "p1", add(1, 9)),
			line(3, "p2", [{ kind: "kv", key: "x", value: "y" }]),
		]);
		expect(tally.counts).toEqual({
			recordsReceived: 3,
			formatErrors: 0,
			invalidIds: 0,
			noMatchingId: 1,
			noTraitRealized: 1,
			totalSignals: 3,
			totalUnusedSignals: 2,
			totalRealizedTraits: 1,
			totalRemovedTraits: 0,
			totalTraitsFailedValidation: 1,
			signalsOverCap: 0,
			filesCut: 0,
		});
		expect(tally.samples.noMatchingId).toEqual([{ line: 1, text: "nobody\t…" }]);
		expect(await traitIdsOf(U1)).toEqual([1]);
	});

	it("applies a chunk once: a retry after a committed chunk returns the stored counts and changes nothing", async () => {
		const first = await apply(target("d1"), 0, [line(1, "p1", add(1))]);
		// Whatever happened to the visitor's traits since, the recorded chunk is not applied again.
		await pairStoreOf(env).applyTraits(
			{ key: "elsewhere", source: 1000, cleared: [], effects: [{ uuid: U1, trait: 1, add: false }] },
			[],
			Date.now(),
		);
		const again = await apply(target("d1"), 0, [line(1, "p1", add(1))]);
		expect(again).toEqual(first);
		expect(await traitIdsOf(U1)).toEqual([]);
	});

	it("a crash after the graph applied a chunk but before D1 recorded it: the retry writes nothing twice and counts the same", async () => {
		await apply(target("d0"), 0, [line(1, "p1", add(1, 2))]);
		const graph = pairStoreOf(env);
		const crashingAfterGraph = {
			...graph,
			async applyTraits(...args: Parameters<typeof graph.applyTraits>) {
				const result = await graph.applyTraits(...args);
				failGroupRecord();
				return result;
			},
		};
		const lines = [line(1, "p1", add(3))];
		const catalog = catalogOf(await traitsOfSource(env.DB, 1000));
		const overwrite = target("d1", "overwrite");
		await expect(applyChunk(env.DB, crashingAfterGraph, overwrite, 0, lines, catalog, Date.now())).rejects.toThrow(
			"D1 went away",
		);
		vi.restoreAllMocks();
		const tally = await apply(overwrite, 0, lines);
		// The .overwrite took 1 and 2 away the first time; the retry is told so by the graph.
		expect(tally.counts).toMatchObject({ totalRealizedTraits: 1, totalRemovedTraits: 2 });
		expect(await traitIdsOf(U1)).toEqual([3]);
	});

	it("a group whose counts could not be recorded is applied by its retry, once", async () => {
		failGroupRecord();
		await expect(apply(target("d1"), 0, [line(1, "p1", add(1, 2))])).rejects.toThrow("D1 went away");
		vi.restoreAllMocks();
		const tally = await apply(target("d1"), 0, [line(1, "p1", add(1, 2))]);
		expect(tally.counts.totalRealizedTraits).toBe(2);
		expect(await traitIdsOf(U1)).toEqual([1, 2]);
		// Recorded now: a third call is answered from D1.
		expect(await apply(target("d1"), 0, [line(1, "p1", add(3))])).toEqual(tally);
		expect(await traitIdsOf(U1)).toEqual([1, 2]);
	});

	it("with a UUID-typed partner, IDs must be 38 digits", async () => {
		const t: ChunkTarget = { ...target("d1"), idType: "uuid" };
		const tally = await apply(t, 0, [line(1, U1, add(1)), line(2, "12345", add(1))]);
		expect(tally.counts).toMatchObject({ invalidIds: 1, totalRealizedTraits: 1 });
		expect(await traitIdsOf(U1)).toEqual([1]);
	});

	it("never writes traits of an opted-out visitor", async () => {
		await pairStoreOf(env).forgetVisitor(U1, Date.now());
		const t: ChunkTarget = { ...target("d1"), idType: "uuid" };
		const tally = await apply(t, 0, [line(1, U1, add(1))]);
		expect(tally.counts.noMatchingId).toBe(1);
		expect(await traitIdsOf(U1)).toEqual([]);
	});

	it("an opted-out visitor the graph refused is counted as not matched, the rest as if it had been known", async () => {
		await pairStoreOf(env).forgetVisitor(U1, Date.now());
		const t: ChunkTarget = { ...target("d1", "overwrite"), idType: "uuid" };
		const tally = await apply(t, 0, [line(1, U1, add(1)), line(2, U2, add(2)), line(3, U1, add(3))]);
		expect(tally.counts).toMatchObject({ recordsReceived: 3, noMatchingId: 2, totalRealizedTraits: 1 });
		expect(tally.users).toEqual({ devices: 1, failedValidation: 0 });
		expect(tally.samples.noMatchingId?.map((s) => s.line)).toEqual([1, 3]);
		expect(await traitIdsOf(U1)).toEqual([]);
		expect(await traitIdsOf(U2)).toEqual([2]);
		// A retry is answered from D1 with the same counts.
		expect(await apply(t, 0, [line(1, U1, add(1))])).toEqual(tally);
	});

	it("within a chunk the later line wins for the same user and trait", async () => {
		await apply(target("d1"), 0, [
			line(1, "p1", add(1)),
			line(2, "p1", [{ kind: "remove", traitId: 1 }]),
			line(3, "p2", [{ kind: "remove", traitId: 2 }]),
			line(4, "p2", add(2)),
		]);
		expect(await traitIdsOf(U1)).toEqual([]);
		expect(await traitIdsOf(U2)).toEqual([2]);
	});
});

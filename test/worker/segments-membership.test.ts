import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { applyChunk } from "../../batch/inbound/apply-chunk";
import type { ChunkLine, ChunkTarget } from "../../batch/inbound/chunk-decision";
import type { LineSignal } from "../../batch/inbound/realize";
import { listSegments } from "../../batch/segments/store";
import { catalogOf } from "../../batch/traits/catalog";
import { putTrait, traitsOfSource } from "../../batch/traits/store";
import { pairStoreOf } from "../../core/graph/select";
import { settledSegmentPut } from "./support/backfill";
import { call } from "./support/edge";
import { segmentStates } from "./support/graph";
import { seedPartner } from "./support/partners";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const add = (...ids: number[]): LineSignal[] => ids.map((traitId) => ({ kind: "add", traitId }));
const remove = (...ids: number[]): LineSignal[] => ids.map((traitId) => ({ kind: "remove", traitId }));
const target = (deliveryId: string, mode: "sync" | "overwrite" = "sync"): ChunkTarget => ({
	deliveryId,
	idSource: 1000,
	idType: "uuid",
	traitSource: 1000,
	mode,
});

async function apply(t: ChunkTarget, lines: Array<[string, LineSignal[]]>, chunk = 0) {
	const catalog = catalogOf(await traitsOfSource(env.DB, 1000));
	const chunkLines: ChunkLine[] = lines.map(([u, s], i) => ({ n: i + 1, u, s, t: u }));
	return applyChunk(env.DB, pairStoreOf(env), t, chunk, chunkLines, catalog, Date.now(), await listSegments(env.DB));
}

const members = (segmentId: number) => segmentStates(segmentId, [U1, U2]);

const putSegment = (id: number, rule: string) =>
	call(`/api/v1/segments/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify({ name: `s${id}`, rule }) });

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	for (const id of [101, 102, 103]) await putTrait(env.DB, { id, dpid: 1000, name: `t${id}`, rule: null }, 0);
	expect(await settledSegmentPut(putSegment(1, "T101 AND (T102 OR NOT T103)"))).toBe(200);
});

describe("segment membership follows trait changes", () => {
	it("users enter and leave as inbound files change their traits, with the time kept", async () => {
		await apply(target("d1"), [
			[U1, add(101)],
			[U2, add(101, 103)],
		]);
		expect(await members(1)).toEqual(["1 in"]);
		await apply(target("d2"), [
			[U1, add(103)],
			[U2, add(102)],
		]);
		expect(await members(1)).toEqual(["1 left", "2 in"]);
		await apply(target("d3"), [[U1, remove(103)]]);
		expect(await members(1)).toEqual(["1 in", "2 in"]);
	});

	it("an .overwrite that drops a needed trait makes the user leave", async () => {
		await apply(target("d1"), [[U1, add(101, 102)]]);
		await apply(target("d2", "overwrite"), [[U1, add(102)]]);
		expect(await members(1)).toEqual(["1 left"]);
	});

	it("a retried chunk does not re-enter or re-leave anyone", async () => {
		await apply(target("d1"), [[U1, add(101)]]);
		const before = await pairStoreOf(env).memberships(U1);
		expect(before.segmentHistory).toHaveLength(1);
		await apply(target("d1"), [[U1, add(101)]]);
		expect(await pairStoreOf(env).memberships(U1)).toEqual(before);
	});

	it("an opted-out visitor leaves every segment", async () => {
		await apply(target("d1"), [[U1, add(101)]]);
		await pairStoreOf(env).forgetVisitor(U1, Date.now());
		expect(await members(1)).toEqual(["1 left"]);
	});
});

describe("segments admin API", () => {
	it("refuses rules with unknown traits or bad syntax, with the position", async () => {
		const unknown = await putSegment(2, "T101 AND T999");
		expect(unknown.status).toBe(400);
		expect(await unknown.json()).toMatchObject({ error: "rule names unknown traits: T999" });
		const bad = await putSegment(2, "T101 AND (T102");
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: "rule: expected ) at position 15" });
		const listed = await (await call("/api/v1/segments", { headers: ADMIN })).json<{ segments: unknown[] }>();
		expect(listed.segments).toEqual([
			{
				id: 1,
				name: "s1",
				rule: "T101 AND (T102 OR NOT T103)",
				createdAt: expect.any(Number),
				updatedAt: expect.any(Number),
			},
		]);
		expect((await call("/api/v1/segments/1", { method: "DELETE", headers: ADMIN })).status).toBe(204);
		expect((await call("/api/v1/segments/1", { headers: ADMIN })).status).toBe(404);
	});
});

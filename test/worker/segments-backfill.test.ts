import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { pairStoreOf } from "../../core/graph/select";
import { call } from "./support/edge";
import { membersAmong, segmentStates } from "./support/graph";
import { outboundLines, pair, runAt, seedDestination, seedSegments, traitsChange } from "./support/outbound";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const U = (n: number) => String(n).repeat(38);
const T0 = 1_790_000_000_000;

/** PUTs a segment through the admin API and waits for the backfill it starts (if any). */
async function putSegment(id: number, rule: string, name = `segment ${id}`): Promise<string | null> {
	const res = await call(`/api/v1/segments/${id}`, {
		method: "PUT",
		headers: ADMIN,
		body: JSON.stringify({ name, rule }),
	});
	expect(res.status).toBe(200);
	const { backfill } = (await res.json()) as { backfill: string | null };
	if (backfill) {
		await using instance = await introspectWorkflowInstance(env.SEGMENT_BACKFILL_WORKFLOW, backfill);
		await instance.waitForStatus("complete");
	}
	return backfill;
}

const membersOf = (segmentId: number, among = [U(1), U(2), U(3)]) => membersAmong(segmentId, among);

beforeEach(async () => {
	await seedSegments();
	await traitsChange(T0, { [U(1)]: { add: [1] }, [U(2)]: { add: [1, 3] }, [U(3)]: { add: [2] } });
});

describe("segment backfill", () => {
	it("a new segment takes in the users who already hold its traits, and the next iter file lists them", async () => {
		await pair("pa", U(1));
		await pair("pc", U(3));
		await seedDestination(1, { segments: [10, 11] });
		await runAt(1, T0 + 60_000 * 10);
		expect(await putSegment(20, "T1 OR T2")).toMatch(/^segment-20-\d+$/);
		expect(await membersOf(20)).toEqual([U(1), U(2), U(3)]);
		await seedDestination(1, { segments: [10, 11, 20] });
		const run = await runAt(1, Date.now() + 120_000);
		expect(await outboundLines(run.files[0]?.name ?? "")).toEqual(["pa\t10,20", "pc\t11,20"]);
	});

	it("a changed rule moves users in and out; a rename alone re-evaluates nobody", async () => {
		await putSegment(20, "T1");
		expect(await membersOf(20)).toEqual([U(1), U(2)]);
		await putSegment(20, "T1 AND NOT T3");
		expect(await membersOf(20)).toEqual([U(1)]);
		// The exit is kept (with its time) for the next iter files.
		expect(await segmentStates(20, [U(2)])).toEqual(["2 left"]);
		expect(await putSegment(20, "T1 AND NOT T3", "renamed")).toBeNull();
	});

	it("re-evaluates members who hold no trait at all (a NOT rule let them in)", async () => {
		await putSegment(20, "NOT T3");
		expect(await membersOf(20)).toEqual([U(1), U(3)]);
		await traitsChange(T0 + 1, { [U(1)]: { remove: [1] } });
		expect(await membersOf(20)).toEqual([U(1), U(3)]);
		await putSegment(20, "T2");
		expect(await membersOf(20)).toEqual([U(3)]);
	});

	it("pages through many users", async () => {
		const uuids = Array.from({ length: 4_500 }, (_, i) => `u${String(i).padStart(6, "0")}`);
		const effects = uuids.map((uuid) => ({ uuid, trait: 2, add: true }));
		await pairStoreOf(env).applyTraits({ key: "many", source: 1000, cleared: [], effects }, [], 1);
		await putSegment(21, "T2");
		// The D1 store pages 2,000 users at a time in uuid order (the shards go shard by shard): every user
		// on each side of a page boundary, the last, and every 7th in between (asking all 4,501 one by one
		// takes the D1 store about 30 s).
		const edges = [0, 1, 1_999, 2_000, 2_001, 3_999, 4_000, 4_001, 4_499];
		const asked = uuids.filter((_, i) => i % 7 === 0 || edges.includes(i));
		expect(await membersOf(21, [...asked, U(3)])).toHaveLength(asked.length + 1);
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneListedRemovals } from "../../batch/outbound/runs/start";
import { pairStoreOf } from "../../core/graph/select";

const U = "5".repeat(38);
const TOP_OF_HOUR = Date.UTC(2026, 10, 30, 3, 0, 0);
const DAY = 86_400_000;

describe("pruning opt-out removals", () => {
	it("forgets removals older than 30 days, in the cron pass of minute 0 only", async () => {
		const graph = pairStoreOf(env);
		await graph.upsert(
			[
				{ dpid: 1000, dpuuid: "old", uuid: U, at: 1 },
				{ dpid: 1000, dpuuid: "recent", uuid: U, at: 1 },
			],
			1,
		);
		await graph.applyTraits(
			{ key: "t", source: 1000, cleared: [], effects: [{ uuid: U, trait: 1, add: true }] },
			[{ id: 1, tree: { op: "trait", id: 1 } }],
			1,
		);
		await graph.forgetPartnerId(1000, "old", TOP_OF_HOUR - 31 * DAY);
		await graph.forgetPartnerId(1000, "recent", TOP_OF_HOUR - 29 * DAY);
		const removed = async () => {
			const window = { dpid: 1000, segments: [1], after: "", limit: 100, since: 0, until: TOP_OF_HOUR };
			return (await graph.removalPage(window)).rows.map((r) => r.dpuuid);
		};
		expect(await pruneListedRemovals(env, TOP_OF_HOUR + 60_000)).toBe(false);
		expect(await removed()).toEqual(["old", "recent"]);
		expect(await pruneListedRemovals(env, TOP_OF_HOUR)).toBe(true);
		expect(await removed()).toEqual(["recent"]);
	});
});

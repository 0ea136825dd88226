import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { visitorBucket } from "../../core/graph/shards/bucket";
import { pairQueues, queueIndexFor } from "../../worker/pairs/partitions";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";
import { watchPairSends } from "./support/queue-spy";

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
});

describe("pair queues partitioned by the visitor's bucket", () => {
	it("binds the queues wrangler.toml names, in order", () => {
		expect(pairQueues(env)).toEqual([env.PAIRS_QUEUE, env.PAIRS_QUEUE_1, env.PAIRS_QUEUE_2, env.PAIRS_QUEUE_3]);
	});

	it("gives each queue a contiguous quarter of the 4,096 buckets", () => {
		const uuids = Array.from({ length: 400 }, (_, i) => String(i).padStart(38, "1"));
		for (const uuid of uuids) expect(queueIndexFor(uuid, 4)).toBe(Math.floor(visitorBucket(uuid) / 1024));
		expect(new Set(uuids.map((u) => queueIndexFor(u, 4)))).toEqual(new Set([0, 1, 2, 3]));
		expect(queueIndexFor(uuids[0] as string, 1)).toBe(0);
	});

	it("/ibs sends a call's pairs to its visitor's queue", async () => {
		const partitions: number[] = [];
		const sent = watchPairSends(partitions);
		const uuids = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(38, "2"));
		for (const uuid of uuids) {
			const res = await call("/ibs:dpid=1000&dpuuid=x", { cookie: `uuid=${uuid}` });
			expect(res.status).toBe(200);
		}
		expect(sent.map((m) => m.uuid)).toEqual(uuids);
		expect(partitions).toEqual(uuids.map((u) => queueIndexFor(u, 4)));
		expect(new Set(partitions).size).toBeGreaterThan(1);
	});
});

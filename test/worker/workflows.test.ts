// Workflow instance ids and createOrAdopt (batch/workflows.ts): the one way the inbound, outbound,
// segment-backfill and graph-copy Workflows start an instance.
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	backfillWorkflowId,
	createOrAdopt,
	graphCopyWorkflowId,
	inboundWorkflowId,
	outboundWorkflowId,
	type WorkflowStarter,
} from "../../batch/workflows";

describe("instance ids", () => {
	it("name what the instance works on", () => {
		expect(inboundWorkflowId("ftp_dpm_1000_1790000000.sync")).toBe("inbound-ftp_dpm_1000_1790000000-sync");
		expect(inboundWorkflowId("ftp_dpm_1000_2000_1790000000.overwrite.gz")).toBe(
			"inbound-ftp_dpm_1000_2000_1790000000-overwrite-gz",
		);
		expect(outboundWorkflowId("1-1800000000000")).toBe("outbound-1-1800000000000");
		expect(backfillWorkflowId(10, 1_800_000_000_000)).toBe("segment-10-1800000000000");
		expect(graphCopyWorkflowId(1_800_000_000_000)).toBe("graph-copy-1800000000000");
	});

	it("keep to the characters and length Workflows allow", () => {
		const long = `ftp_dpm_1000_1790000000.sync.${"x".repeat(200)}`;
		expect(inboundWorkflowId(long)).toMatch(/^inbound-ftp_dpm_1000_1790000000-sync-x{46}-[0-9a-f]{16}$/);
		expect(inboundWorkflowId(long)).toHaveLength(100);
		expect(inboundWorkflowId("a b/c@d")).toBe("inbound-a-b-c-d");
	});

	it("differ for long delivery ids that differ only past the cut (two ID-sync files of one partner)", () => {
		const dpids = Array.from({ length: 9 }, (_, i) => 1_000_001 + i).join("_");
		const first = `1000000~adobe_id_0_20915_${dpids}_1790000000.sync`;
		const second = `1000000~adobe_id_0_20915_${dpids}_1790000600.sync`;
		expect(inboundWorkflowId(first)).not.toBe(inboundWorkflowId(second));
		for (const id of [first, second]) expect(inboundWorkflowId(id)).toMatch(/^[A-Za-z0-9_-]{1,100}$/);
	});
});

/** A Workflow binding in memory: create refuses an id that exists, get refuses one that does not. */
function fakeBinding(failCreate: Error | null = null) {
	const instances = new Map<string, { params: unknown }>();
	const creates: string[] = [];
	const binding: WorkflowStarter<{ n: number }> = {
		async create(options) {
			const id = options?.id ?? "";
			creates.push(id);
			if (failCreate) throw failCreate;
			if (instances.has(id)) throw new Error(`instance ${id} already exists`);
			instances.set(id, { params: options?.params });
			return { id } as WorkflowInstance;
		},
		async get(id) {
			if (!instances.has(id)) throw new Error(`instance ${id} not found`);
			return { id } as WorkflowInstance;
		},
	};
	return { binding, instances, creates };
}

describe("createOrAdopt", () => {
	it("creates an instance that does not exist yet", async () => {
		const { binding, instances } = fakeBinding();
		expect(await createOrAdopt(binding, "outbound-1-1800000000000", { n: 1 })).toBe("created");
		expect([...instances]).toEqual([["outbound-1-1800000000000", { params: { n: 1 } }]]);
	});

	it("adopts an instance an interrupted run already created, never making a second one", async () => {
		const { binding, instances, creates } = fakeBinding();
		await binding.create({ id: "outbound-1-1800000000000", params: { n: 1 } });
		expect(await createOrAdopt(binding, "outbound-1-1800000000000", { n: 2 })).toBe("adopted");
		// The earlier instance carries on with its own parameters.
		expect([...instances]).toEqual([["outbound-1-1800000000000", { params: { n: 1 } }]]);
		expect(creates).toEqual(["outbound-1-1800000000000", "outbound-1-1800000000000"]);
	});

	it("throws the create error when there is no instance to adopt", async () => {
		const { binding, instances } = fakeBinding(new Error("Workflows unavailable"));
		await expect(createOrAdopt(binding, "outbound-1-1800000000000", { n: 1 })).rejects.toThrow("Workflows unavailable");
		expect(instances.size).toBe(0);
	});

	it("adopts on a real binding: a backfill already started for the same edit", async () => {
		const id = "segment-99-1800000000000";
		// Segment 99 does not exist, so the backfill ends after its first page.
		await using instance = await introspectWorkflowInstance(env.SEGMENT_BACKFILL_WORKFLOW, id);
		const params = { segmentId: 99, updatedAt: 1_800_000_000_000 };
		expect(await createOrAdopt(env.SEGMENT_BACKFILL_WORKFLOW, id, params)).toBe("created");
		await instance.waitForStatus("complete");
		expect(await createOrAdopt(env.SEGMENT_BACKFILL_WORKFLOW, id, params)).toBe("adopted");
		expect(await (await env.SEGMENT_BACKFILL_WORKFLOW.get(id)).status()).toMatchObject({ status: "complete" });
	});
});

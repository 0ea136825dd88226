import { createScheduledController, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { planGroups } from "../../../batch/inbound/groups/plan";
import { addBucketLines, noBucketLines } from "../../../batch/inbound/groups/route";
import { mergeTallies, type Tally } from "../../../batch/inbound/parse";
import { type PartSplit, type SplitFrom, splitPart } from "../../../batch/inbound/split";
import { applyStoredGroup, finishDelivery } from "../../../batch/inbound/steps";
import { findDelivery, loadDelivery } from "../../../batch/inbound/store";
import type { Receipt } from "../../../batch/receipts/receipt";
import { inboundWorkflowId } from "../../../batch/workflows";
import { settingsOf } from "../../../core/config/settings";
import worker from "../../../worker";

/** Puts a file at `key` in the exchange bucket (as an S3 client would), gzipped when it ends in .gz. */
export async function upload(key: string, text: string): Promise<void> {
	const bytes = new TextEncoder().encode(text);
	const body = key.endsWith(".gz")
		? await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer()
		: bytes;
	await env.EXCHANGE.put(key, body);
}

/** Fires the Cron Trigger as Cloudflare would, `secondsLater` after now (past the settle time). */
export async function runCron(secondsLater = 120): Promise<void> {
	const controller = createScheduledController({ scheduledTime: Date.now() + secondsLater * 1000, cron: "* * * * *" });
	await worker.scheduled(controller, env);
}

/**
 * The inbound Workflow's steps called one by one, as the Workflow calls them, with an Env the test
 * may change (caps, piece and group sizes). Returns what each step returned.
 */
export async function runDeliverySteps(stepEnv: Env, deliveryId: string) {
	const delivery = await loadDelivery(stepEnv.DB, deliveryId);
	const splits: PartSplit[] = [];
	const bucketLines = noBucketLines();
	let from: SplitFrom = { line: 1, piece: 0 };
	for (let part = 0; part < delivery.files.length; part++) {
		const split = await splitPart(stepEnv, deliveryId, part, from);
		splits.push(split);
		addBucketLines(bucketLines, split.bucketLines);
		from = split.next;
	}
	const groups = planGroups(bucketLines, settingsOf(stepEnv).inboundLinesPerGroup);
	const applied: Tally[] = [];
	for (const [group, range] of groups.entries())
		applied.push(await applyStoredGroup(stepEnv, deliveryId, group, range));
	const tally = mergeTallies([...splits.map((s) => s.tally), ...applied]);
	await finishDelivery(stepEnv, deliveryId, tally, Date.now(), from.piece);
	return { splits, groups, applied, pieces: from.piece };
}

/** Fires the cron and waits for the delivery's Workflow to complete (retries without delays). */
export async function processDelivery(id: string) {
	await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, inboundWorkflowId(id));
	await instance.modify(async (m) => m.disableRetryDelays());
	await runCron();
	await instance.waitForStatus("complete");
	return findDelivery(env.DB, id);
}

/** What a vendor reconciles: every record received is stored or counted under one of AAM's error kinds. */
export function expectAddsUp(receipt: Receipt | null | undefined) {
	const r = receipt as Receipt;
	const errors = r["Format Errors"] + r["Invalid AAM ID"] + r["No Matching AAM ID"] + r["No Trait Realized"];
	expect(r["Records processed"]).toBe(r["Records received"]);
	expect(r["Stored Records"] + errors).toBe(r["Records received"]);
}

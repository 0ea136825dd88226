import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { settingsOf } from "../../core/config/settings";
import { MAX_LINES_IN_FLIGHT } from "../../core/inbound-limits";
import { errorText, logEvent } from "../../core/log";
import { loggedSteps } from "../logged-steps";
import { D1_STEP, MAIL_STEP } from "../step-configs";
import { type GroupRange, planGroups } from "./groups/plan";
import { addBucketLines, noBucketLines } from "./groups/route";
import { planWaves } from "./groups/waves";
import { moveDeliveryFiles } from "./move-files";
import { mergeTallies, type Tally } from "./parse";
import { type SplitFrom, splitPart } from "./split";
import { applyStoredGroup, finishDelivery, markFailed, sendReceipt } from "./steps";
import { loadDelivery } from "./store";

export interface InboundParams {
	deliveryId: string;
}

/**
 * One inbound delivery, start to end. Every step is idempotent and its result is persisted by
 * Workflows, so a retried or restarted instance never applies a line or adds a count twice:
 * split each file (stream, parse, write pieces sorted by user bucket) → plan the groups and the waves
 * they run in → apply each group, a wave at a time → receipt → move the files out of the partner's
 * inbound area → e-mail. Steps: one per file, one per group and six more (bench/inbound-scale.ts
 * projects the count to AAM-sized deliveries).
 */
export class InboundWorkflow extends WorkflowEntrypoint<Env, InboundParams> {
	override async run(
		event: WorkflowEvent<InboundParams>,
		workflowStep: WorkflowStep,
	): Promise<{ stored: number; groups: number; pieces: number }> {
		const step = loggedSteps(workflowStep, event);
		const { deliveryId } = event.payload;
		try {
			const started = await step.do("start", async () => {
				const delivery = await loadDelivery(this.env.DB, deliveryId);
				return { at: Date.now(), parts: delivery.files.length };
			});
			const tallies: Tally[] = [];
			const bucketLines = noBucketLines();
			let from: SplitFrom = { line: 1, piece: 0 };
			for (let part = 0; part < started.parts; part++) {
				const at = from;
				const split = await step.do(`split part ${part}`, D1_STEP, () => splitPart(this.env, deliveryId, part, at));
				tallies.push(split.tally);
				addBucketLines(bucketLines, split.bucketLines);
				from = split.next;
			}
			// A step, so a replay keeps the groups even if the setting changed meanwhile.
			const groups = await step.do("plan groups", async () =>
				planGroups(bucketLines, settingsOf(this.env).inboundLinesPerGroup),
			);
			// A step too, so a replay runs the same waves whatever the settings are by then.
			const waves = await step.do("plan waves", async () =>
				planWaves(groups, settingsOf(this.env).inboundGroupsAtOnce, MAX_LINES_IN_FLIGHT),
			);
			for (const wave of waves) {
				const applied = wave.map((group) =>
					step.do(`apply group ${group}`, D1_STEP, () =>
						applyStoredGroup(this.env, deliveryId, group, groups[group] as GroupRange),
					),
				);
				tallies.push(...(await Promise.all(applied)));
			}
			const pieces = from.piece;
			const receipt = await step.do("receipt", D1_STEP, () =>
				finishDelivery(this.env, deliveryId, mergeTallies(tallies), started.at, pieces),
			);
			await this.moveFiles(step, "move files", deliveryId);
			await step.do("email", MAIL_STEP, () => sendReceipt(this.env, deliveryId));
			return { stored: receipt.stored, groups: groups.length, pieces };
		} catch (err) {
			// Out of retries: record the failure so the data source's next delivery is not blocked forever.
			// Logged inside the step, so a replay of `run` (after an eviction) does not log it twice.
			await step.do("mark failed", D1_STEP, () => {
				logEvent("error", {
					event: "delivery.failed",
					direction: "inbound",
					instanceId: event.instanceId,
					deliveryId,
					error: errorText(err),
				});
				return markFailed(this.env, deliveryId, String(err));
			});
			await this.moveFiles(step, "move files of failed delivery", deliveryId);
			throw err;
		}
	}

	/**
	 * Files that cannot be moved (R2 failing past every retry) stay in the inbound area, where discovery
	 * leaves a finished delivery's own files alone: the receipt stands, and nothing is applied twice.
	 */
	private async moveFiles(step: WorkflowStep, name: string, deliveryId: string): Promise<void> {
		try {
			await step.do(name, D1_STEP, () => moveDeliveryFiles(this.env, deliveryId));
		} catch (err) {
			console.error(`could not move the files of ${deliveryId} out of the inbound area`, err);
		}
	}
}

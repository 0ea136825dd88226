import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { D1_STEP, MAIL_STEP } from "../step-configs";
import { moveDeliveryFiles } from "./move-files";
import { mergeTallies, type Tally } from "./parse";
import { splitDelivery } from "./split";
import { applyStoredChunk, finishDelivery, markFailed, sendReceipt } from "./steps";

export interface InboundParams {
	deliveryId: string;
}

/**
 * One inbound delivery, start to end. Every step is idempotent and its result is persisted by
 * Workflows, so a retried or restarted instance never applies a line or adds a count twice:
 * split (stream, parse, write chunk objects) → apply each chunk → receipt → move the files out of the
 * partner's inbound area → e-mail.
 */
export class InboundWorkflow extends WorkflowEntrypoint<Env, InboundParams> {
	override async run(
		event: WorkflowEvent<InboundParams>,
		step: WorkflowStep,
	): Promise<{ stored: number; chunks: number }> {
		const { deliveryId } = event.payload;
		try {
			const startedAt = await step.do("start", async () => Date.now());
			const split = await step.do("split", D1_STEP, () => splitDelivery(this.env, deliveryId));
			const tallies: Tally[] = [split.tally];
			for (let chunk = 0; chunk < split.chunks; chunk++) {
				tallies.push(
					await step.do(`apply chunk ${chunk}`, D1_STEP, () => applyStoredChunk(this.env, deliveryId, chunk)),
				);
			}
			const receipt = await step.do("receipt", D1_STEP, () =>
				finishDelivery(this.env, deliveryId, mergeTallies(tallies), startedAt, split.chunks),
			);
			await this.moveFiles(step, "move files", deliveryId);
			await step.do("email", MAIL_STEP, () => sendReceipt(this.env, deliveryId));
			return { stored: receipt.stored, chunks: split.chunks };
		} catch (err) {
			// Out of retries: record the failure so the data source's next delivery is not blocked forever.
			await step.do("mark failed", D1_STEP, () => markFailed(this.env, deliveryId, String(err)));
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

import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { D1_STEP, MAIL_STEP } from "../../step-configs";
import { writeInfo } from "./info";
import { type Cursor, START } from "./lines";
import { outboundKey } from "./naming";
import { planRun } from "./plan";
import { type DeliveryOutcome, recordFiles } from "./records";
import { deliverTo, finishDelivery, mailRunSummary, markRunFailed, targetsOf } from "./steps";
import { type FileEntry, needsSplit, writeDataFile } from "./write-file";

export interface OutboundParams {
	runId: string;
}

// One data file (up to the split size) streamed into R2.
const FILE_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "30 seconds", backoff: "exponential" },
	timeout: "15 minutes",
};
// Bounded: a partner endpoint that is down for longer gets the changes in the next run instead.
const DELIVERY_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "1 minute", backoff: "exponential" },
	timeout: "15 minutes",
};

/**
 * One outbound run: plan → split? (decides the file names) → write each data file → .info → deliver to
 * each configured target → finish (watermark moves only if every target took every file) → summary.
 * Steps are idempotent: a retried file step rewrites the same object from the same cursor.
 */
export class OutboundWorkflow extends WorkflowEntrypoint<Env, OutboundParams> {
	override async run(event: WorkflowEvent<OutboundParams>, step: WorkflowStep) {
		const { runId } = event.payload;
		let status: "delivered" | "failed";
		let files: FileEntry[] = [];
		try {
			const plan = await step.do("plan", D1_STEP, () => planRun(this.env.DB, runId));
			const split = await step.do("split?", D1_STEP, () => needsSplit(this.env.DB, plan));
			let from: Cursor | null = START;
			for (let sequence = 1; from !== null; sequence++) {
				const file: { sequence: number; split: boolean; from: Cursor; maxLines: number | null } = {
					sequence,
					split,
					from,
					maxLines: split ? plan.splitLines : null,
				};
				const written = await step.do(`write file ${sequence}`, FILE_STEP, () =>
					writeDataFile(this.env.DB, this.env.EXCHANGE, plan, file),
				);
				files = [...files, written.entry];
				from = written.next;
			}
			const info = await step.do("write info", D1_STEP, async () => {
				const name = await writeInfo(this.env.EXCHANGE, plan, files);
				await recordFiles(this.env.DB, runId, files);
				return name;
			});
			const shipment = {
				dpid: plan.naming.dpid,
				files: [...files.map((f) => ({ name: f.name, md5: f.md5 })), { name: info, md5: null }],
			};
			const deliveries: Record<string, DeliveryOutcome> = {
				r2: { status: "delivered", target: outboundKey(plan.naming.dpid, ""), files: shipment.files.length },
			};
			for (const target of targetsOf(plan)) {
				try {
					deliveries[target] = await step.do(`deliver ${target}`, DELIVERY_STEP, () =>
						deliverTo(this.env, plan, target, shipment),
					);
				} catch (err) {
					deliveries[target] = { status: "failed", target, files: 0, error: messageOf(err) };
				}
			}
			status = await step.do("finish", D1_STEP, () => finishDelivery(this.env, plan, deliveries));
		} catch (err) {
			await step.do("mark failed", D1_STEP, () => markRunFailed(this.env, runId, messageOf(err)));
			throw err;
		}
		await step.do("summary e-mail", MAIL_STEP, () => mailRunSummary(this.env, runId));
		return { runId, status, files: files.length, lines: files.reduce((n, f) => n + f.lines, 0) };
	}
}

function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

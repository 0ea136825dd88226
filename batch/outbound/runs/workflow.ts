import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { pairStoreOf } from "../../../core/graph/select";
import { outboundPrefix } from "../../exchange-layout";
import { D1_STEP, MAIL_STEP } from "../../step-configs";
import type { FileToSend } from "../send/loop";
import { targetKinds } from "../send/transports";
import { writeInfo } from "./info";
import { type Cursor, START } from "./lines";
import { outboundKey } from "./naming";
import { planRun } from "./plan";
import type { RunFile, TargetOutcome } from "./schema";
import { mailRunSummary, markRunFailed, sendTo, settleRun } from "./steps";
import { recordFiles } from "./store";
import { needsSplit, writeDataFile } from "./write-file";

export interface OutboundParams {
	runId: string;
}

// One data file (up to the split size) streamed into R2.
const FILE_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "30 seconds", backoff: "exponential" },
	timeout: "15 minutes",
};
// Bounded: a partner endpoint that is down for longer gets the changes in the next run instead.
const SEND_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "1 minute", backoff: "exponential" },
	timeout: "15 minutes",
};

/**
 * One outbound run: plan → split? (decides the file names) → write each data file → .info → send to
 * each configured target → finish (watermark moves only if every target took every file) → summary.
 * Steps are idempotent: a retried file step rewrites the same object from the same cursor.
 */
export class OutboundWorkflow extends WorkflowEntrypoint<Env, OutboundParams> {
	override async run(event: WorkflowEvent<OutboundParams>, step: WorkflowStep) {
		const { runId } = event.payload;
		let status: "sent" | "failed";
		let files: RunFile[] = [];
		try {
			const plan = await step.do("plan", D1_STEP, () => planRun(this.env.DB, runId));
			const split = await step.do("split?", D1_STEP, () => needsSplit(pairStoreOf(this.env), plan));
			let from: Cursor | null = START;
			for (let sequence = 1; from !== null; sequence++) {
				const file: { sequence: number; split: boolean; from: Cursor; maxLines: number | null } = {
					sequence,
					split,
					from,
					maxLines: split ? plan.splitLines : null,
				};
				const written = await step.do(`write file ${sequence}`, FILE_STEP, () =>
					writeDataFile(pairStoreOf(this.env), this.env.EXCHANGE, plan, file),
				);
				files = [...files, written.entry];
				from = written.next;
			}
			const info = await step.do("write info", D1_STEP, async () => {
				const name = await writeInfo(this.env.EXCHANGE, plan, files);
				await recordFiles(this.env.DB, runId, files);
				return name;
			});
			// In sending order: data files first, the .info control file last.
			const dpid = plan.naming.dpid;
			const toSend: FileToSend[] = [
				...files.map((f) => ({ name: f.name, key: outboundKey(dpid, f.name), md5: f.md5 })),
				{ name: info, key: outboundKey(dpid, info), md5: null },
			];
			const outcomes: Record<string, TargetOutcome> = {
				r2: { status: "sent", target: outboundPrefix(dpid), files: toSend.length },
			};
			for (const kind of targetKinds(plan.targets)) {
				try {
					outcomes[kind] = await step.do(`send ${kind}`, SEND_STEP, () => sendTo(this.env, plan, kind, toSend));
				} catch (err) {
					outcomes[kind] = { status: "failed", target: kind, files: 0, error: messageOf(err) };
				}
			}
			status = await step.do("finish", D1_STEP, () => settleRun(this.env, plan, outcomes));
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

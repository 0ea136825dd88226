import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { errorText, logEvent } from "../../../core/log";
import { outboundPrefix } from "../../exchange-layout";
import { loggedSteps } from "../../logged-steps";
import { D1_STEP, MAIL_STEP } from "../../step-configs";
import type { FileToSend } from "../send/loop";
import { targetKinds } from "../send/transports";
import { unwritableIdsOf, writeInfo } from "./info";
import { outboundKey } from "./naming";
import { planRun } from "./plan";
import type { RunFile, TargetOutcome } from "./schema";
import { destinationOfRun } from "./start";
import { mailRunSummary, markRunFailed, sendTo, settleRun } from "./steps";
import { recordFiles } from "./store";
import { deleteWork } from "./write-file";
import { writeRunFiles } from "./write-files";

export interface OutboundParams {
	runId: string;
}

// Bounded: a partner endpoint that is down for longer gets the changes in the next run instead.
const SEND_STEP: WorkflowStepConfig = {
	retries: { limit: 3, delay: "1 minute", backoff: "exponential" },
	timeout: "15 minutes",
};

/**
 * One outbound run: plan → the files' names (a full run's windows, or an iter run's split check) →
 * write each data file, a few listing pages per step → .info → send to each configured target → finish
 * (watermark moves only if every target took every file) → summary. Steps are idempotent: a retried
 * file step writes the same bytes from the same task.
 */
export class OutboundWorkflow extends WorkflowEntrypoint<Env, OutboundParams> {
	override async run(event: WorkflowEvent<OutboundParams>, workflowStep: WorkflowStep) {
		const step = loggedSteps(workflowStep, event);
		const { runId } = event.payload;
		const failed = (target: string, err: unknown) =>
			logEvent("error", {
				event: "delivery.failed",
				direction: "outbound",
				instanceId: event.instanceId,
				runId,
				destinationId: destinationOfRun(runId),
				target,
				error: errorText(err),
			});
		let status: "sent" | "failed";
		let files: RunFile[] = [];
		try {
			const plan = await step.do("plan", D1_STEP, () => planRun(this.env.DB, runId));
			files = await writeRunFiles(this.env, step, plan);
			const info = await step.do("write info", D1_STEP, async () => {
				const name = await writeInfo(this.env.EXCHANGE, plan, files);
				await recordFiles(this.env.DB, runId, files);
				logUnwritable(event.instanceId, plan.runId, plan.naming, unwritableIdsOf(files));
				await deleteWork(this.env.EXCHANGE, runId);
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
			// Failures are logged inside the step that records them: Workflows may replay `run` after an
			// eviction, and a replayed step's error comes back again, but a finished step does not run again.
			status = await step.do("finish", D1_STEP, () => {
				for (const [kind, outcome] of Object.entries(outcomes)) {
					if (outcome.status === "failed") failed(kind, new Error(outcome.error ?? "failed"));
				}
				return settleRun(this.env, plan, outcomes);
			});
		} catch (err) {
			await step.do("mark failed", D1_STEP, () => {
				failed("run", err);
				return markRunFailed(this.env, runId, messageOf(err));
			});
			throw err;
		}
		await step.do("summary e-mail", MAIL_STEP, () => mailRunSummary(this.env, runId));
		return { runId, status, files: files.length, lines: files.reduce((n, f) => n + f.lines, 0) };
	}
}

/** One warning per run that left partner IDs out because its template's layout cannot carry them. */
function logUnwritable(
	instanceId: string,
	runId: string,
	naming: { destinationId: number; dpid: number },
	unwritableIds: number,
): void {
	if (unwritableIds === 0) return;
	const { destinationId, dpid } = naming;
	logEvent("warn", { event: "outbound.unwritable_ids", instanceId, runId, destinationId, dpid, unwritableIds });
}

function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

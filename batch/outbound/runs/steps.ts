import { settingsOf } from "../../../core/config/settings";
import { sendMail } from "../../receipts/send";
import { findDestination } from "../destinations/store";
import { type FileToSend, sendFiles } from "../send/loop";
import { placeOf, type TargetKind, transportFor } from "../send/transports";
import type { RunPlan } from "./plan";
import type { TargetOutcome } from "./schema";
import { findRun, finishRun } from "./store";
import { runSummaryMail } from "./summary-mail";
import { deleteWork } from "./write-file";

/** Step: send every file of the run to one target; throws (and is retried) until the target took all. */
export async function sendTo(
	env: Env,
	plan: RunPlan,
	kind: TargetKind,
	files: readonly FileToSend[],
): Promise<TargetOutcome> {
	const timeoutMs = settingsOf(env).outboundHttpTimeoutSeconds * 1000;
	const sent = await sendFiles(env.EXCHANGE, transportFor(env, kind, plan.targets), files, timeoutMs);
	return { status: "sent", target: placeOf(kind, plan.targets), files: sent };
}

/** Step: the run's end, with every target's outcome; sent only if all of them took it all. */
export async function settleRun(
	env: Env,
	plan: RunPlan,
	outcomes: Record<string, TargetOutcome>,
): Promise<"sent" | "failed"> {
	const failures = Object.entries(outcomes).filter(([, o]) => o.status === "failed");
	const status = failures.length === 0 ? "sent" : "failed";
	const error = failures.length === 0 ? null : failures.map(([kind, o]) => `${kind}: ${o.error}`).join("; ");
	await finishRun(env.DB, runRef(plan), { status, outcomes, error }, Date.now());
	return status;
}

/** Step: out of retries before the end; the run is failed, its work objects gone, the destination free again. */
export async function markRunFailed(env: Env, runId: string, reason: string): Promise<void> {
	await deleteWork(env.EXCHANGE, runId);
	const run = await findRun(env.DB, runId);
	if (run?.status !== "running") return;
	const failed = { status: "failed" as const, outcomes: run.outcomes, error: reason.slice(0, 500) };
	await finishRun(env.DB, { ...run, listed: null }, failed, Date.now());
}

/** Step: the optional summary e-mail to the destination's recipients. */
export async function mailRunSummary(env: Env, runId: string): Promise<{ sent: number }> {
	const run = await findRun(env.DB, runId);
	const destination = run ? await findDestination(env.DB, run.destinationId) : null;
	const from = settingsOf(env).receiptFrom;
	if (!run || !destination || !from) return { sent: 0 };
	const to = destination.summaryEmails;
	if (to.length === 0) return { sent: 0 };
	const raw = runSummaryMail(run, destination.name, from, to);
	return sendMail(env, { from, to, raw }, runMailFolder(runId));
}

export function runMailFolder(runId: string): string {
	return `mail/runs/${encodeURIComponent(runId)}`;
}

function runRef(plan: RunPlan) {
	const listed = { dpid: plan.scope.dpid, segments: plan.scope.segments };
	return { id: plan.runId, destinationId: plan.naming.destinationId, until: plan.scope.until, listed };
}

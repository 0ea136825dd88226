import { settingsOf } from "../../../core/config/settings";
import { sendMail } from "../../receipts/send";
import { deliverHttps } from "../deliver/https";
import { deliverS3 } from "../deliver/s3";
import type { Shipment } from "../deliver/target";
import { getDestination } from "../queries";
import type { RunPlan } from "./plan";
import { type DeliveryOutcome, finishRun, getRun } from "./records";
import { runSummaryMail } from "./summary-mail";

export type Target = "https" | "s3";

/** The delivery targets beyond R2 that a run's plan names, in the order they are served. */
export function targetsOf(plan: RunPlan): Target[] {
	return (["https", "s3"] as const).filter((t) => plan.delivery[t] !== undefined);
}

/** Step: ship every file of the run to one target; throws (and is retried) until the target took all. */
export async function deliverTo(env: Env, plan: RunPlan, target: Target, shipment: Shipment): Promise<DeliveryOutcome> {
	const timeoutMs = settingsOf(env).outboundHttpTimeoutSeconds * 1000;
	const https = plan.delivery.https;
	const s3 = plan.delivery.s3;
	let files = 0;
	if (target === "https" && https) files = await deliverHttps(env, https, shipment, timeoutMs);
	if (target === "s3" && s3) files = await deliverS3(env, s3, shipment, timeoutMs);
	return { status: "delivered", target: target === "https" ? (https?.url ?? "") : (s3?.bucket ?? ""), files };
}

/** Step: the run's end, with the outcome of every target; delivered only if all of them took it all. */
export async function finishDelivery(
	env: Env,
	plan: RunPlan,
	deliveries: Record<string, DeliveryOutcome>,
): Promise<"delivered" | "failed"> {
	const failures = Object.entries(deliveries).filter(([, d]) => d.status === "failed");
	const status = failures.length === 0 ? "delivered" : "failed";
	const error = failures.length === 0 ? null : failures.map(([t, d]) => `${t}: ${d.error}`).join("; ");
	await finishRun(env.DB, runRef(plan), { status, deliveries, error }, Date.now());
	return status;
}

/** Step: out of retries before delivery; the run is failed and the destination free again. */
export async function markRunFailed(env: Env, runId: string, reason: string): Promise<void> {
	const run = await getRun(env.DB, runId);
	if (run?.status !== "running") return;
	await finishRun(
		env.DB,
		run,
		{ status: "failed", deliveries: run.deliveries, error: reason.slice(0, 500) },
		Date.now(),
	);
}

/** Step: the optional summary e-mail to the destination's recipients. */
export async function mailRunSummary(env: Env, runId: string): Promise<{ sent: number }> {
	const run = await getRun(env.DB, runId);
	const destination = run ? await getDestination(env.DB, run.destinationId) : null;
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
	return { id: plan.runId, destinationId: plan.naming.destinationId, until: plan.scope.until };
}

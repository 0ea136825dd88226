import type { WorkflowEvent, WorkflowStep, WorkflowStepConfig, WorkflowStepContext } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { errorText, logEvent } from "../core/log";

type Callback = (ctx: WorkflowStepContext) => Promise<Rpc.Serializable<unknown>>;

/**
 * A Workflow's `step` that logs every failed attempt of every step as one `workflow.step_failed` line
 * (instance id, step name, attempt) and then rethrows, so Workflows retries exactly as before. Each
 * Workflow wraps its `step` once, at the top of `run`: no step needs a try/catch of its own to be seen.
 * A failure is `final` when no retry is left (the step's retry limit reached, or a NonRetryableError).
 */
export function loggedSteps(step: WorkflowStep, event: Pick<WorkflowEvent<unknown>, "workflowName" | "instanceId">) {
	const logged =
		(name: string, callback: Callback): Callback =>
		async (ctx) => {
			try {
				return await callback(ctx);
			} catch (err) {
				const final = isFinal(err, ctx);
				logEvent(final ? "error" : "warn", {
					event: "workflow.step_failed",
					workflow: event.workflowName,
					instanceId: event.instanceId,
					step: name,
					attempt: ctx.attempt,
					final,
					error: errorText(err),
				});
				throw err;
			}
		};
	function doStep(name: string, configOrCallback: WorkflowStepConfig | Callback, maybeCallback?: Callback) {
		if (typeof configOrCallback === "function") return step.do(name, logged(name, configOrCallback));
		if (!maybeCallback) throw new Error(`step ${name} has no callback`);
		return step.do(name, configOrCallback, logged(name, maybeCallback));
	}
	const wrapped: WorkflowStep = {
		// One implementation behind WorkflowStep's overloads: each of them passes a name, maybe a config, a callback.
		do: doStep as WorkflowStep["do"],
		sleep: (name, duration) => step.sleep(name, duration),
		sleepUntil: (name, timestamp) => step.sleepUntil(name, timestamp),
		waitForEvent: (name, options) => step.waitForEvent(name, options),
	};
	return wrapped;
}

function isFinal(err: unknown, ctx: WorkflowStepContext): boolean {
	if (err instanceof NonRetryableError) return true;
	const limit = ctx.config.retries?.limit;
	// Attempt 1 is the first try; a limit of N allows N more.
	return limit === undefined || ctx.attempt > limit;
}

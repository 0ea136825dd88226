import type { WorkflowStepConfig } from "cloudflare:workers";

/** Retry policies shared by the batch Workflows (inbound deliveries, outbound runs, segment backfills). */

/** A step that reads and writes D1 (and R2): transient failures clear within minutes. */
export const D1_STEP: WorkflowStepConfig = {
	retries: { limit: 5, delay: "10 seconds", backoff: "exponential" },
	timeout: "5 minutes",
};

/** Mail providers have bad minutes; a receipt or summary is worth waiting hours for, never worth losing. */
export const MAIL_STEP: WorkflowStepConfig = {
	retries: { limit: 8, delay: "1 minute", backoff: "exponential" },
	timeout: "1 minute",
};

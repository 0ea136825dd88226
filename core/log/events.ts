/**
 * Every event the edge logs, one JSON line each (docs/operations.md "Watching the edge"). Each carries
 * the id that ties it to its cause: an HTTP request's `requestId`, a queue message's `messageId`, a
 * Workflow instance's `instanceId` (with the step), an outbound run's `runId` or an inbound delivery's
 * `deliveryId`. Fields are names and numbers an operator can filter on; none may hold personal data:
 * no visitor UUID, partner user ID, IP address, cookie, e-mail address, URL or request body (free text
 * passes through `scrub` on the way out, core/log/scrub.ts).
 */
export type LogLevel = "info" | "warn" | "error";

/** A call the edge refused (4xx, warn) or failed (5xx, error), rendered by worker/http/errors.ts. */
export interface HttpRefused {
	event: "http.refused";
	requestId: string;
	method: string;
	/** The route as registered (`/api/v1/partners/:dpid`), never the URL: paths and queries carry IDs. */
	route: string;
	status: number;
	reason: string;
	/** The partner whose key authenticated the call, if any. */
	dpid?: number;
	/** AAM's DCS error codes of an /ibs refusal. */
	codes?: number[];
}

/** A queue message handed back for another attempt. */
export interface QueueRetry {
	event: "queue.retry";
	queue: string;
	messageId: string;
	attempts: number;
	delaySeconds: number;
	error: string;
}

/** A message kept in R2 instead of processed: malformed, or out of retries (the dead-letter queue). */
export interface QueueDeadLetter {
	event: "queue.dead_letter";
	queue: string;
	messageId: string;
	attempts: number;
	reason: "malformed" | "exhausted";
	/** The archive object that holds the message's body for replay. */
	key: string;
}

/** A Workflow step that threw; Workflows retries it unless `final`. */
export interface WorkflowStepFailed {
	event: "workflow.step_failed";
	workflow: string;
	instanceId: string;
	step: string;
	attempt: number;
	/** No retry is left: the step's error reaches the run (which fails, or records a failed target). */
	final: boolean;
	error: string;
}

/** Files of an outbound run a target did not take, after every retry; or a run that failed before sending. */
export interface OutboundDeliveryFailed {
	event: "delivery.failed";
	direction: "outbound";
	instanceId: string;
	runId: string;
	destinationId: number;
	/** `https`, `s3`, or `run` when the whole run failed. */
	target: string;
	error: string;
}

/** An outbound run that left partner IDs out: IDs its template's layout cannot carry (the count only). */
export interface OutboundUnwritableIds {
	event: "outbound.unwritable_ids";
	instanceId: string;
	runId: string;
	destinationId: number;
	dpid: number;
	unwritableIds: number;
}

/** An inbound delivery whose Workflow ran out of retries: marked failed, its files moved aside. */
export interface InboundDeliveryFailed {
	event: "delivery.failed";
	direction: "inbound";
	instanceId: string;
	deliveryId: string;
	error: string;
}

/** Inbound files discovery refused (name, grant, size): a receipt says why, the files are deleted. */
export interface InboundDeliveryRefused {
	event: "delivery.refused";
	direction: "inbound";
	dpid: number;
	/** The refusal's receipt id (`<file or delivery name>@<upload ms>`). */
	refusalId: string;
	files: number;
	reason: string;
}

/** A phase of the Cron Trigger's pass that threw; the other phases still ran, the next pass tries again. */
export interface CronPhaseFailed {
	event: "cron.phase_failed";
	cron: string;
	/** The pass (Unix ms), shared by every phase of it. */
	scheduledTime: number;
	phase: string;
	error: string;
}

export type LogEvent =
	| HttpRefused
	| QueueRetry
	| QueueDeadLetter
	| WorkflowStepFailed
	| OutboundDeliveryFailed
	| OutboundUnwritableIds
	| InboundDeliveryFailed
	| InboundDeliveryRefused
	| CronPhaseFailed;

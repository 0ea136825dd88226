import type { MiddlewareHandler } from "hono";
import { settingsOf } from "../../core/config/settings";
import type { AppContext, AppEnv } from "../http/types";
import { type Counter, type CounterMessage, type Metric, mergeCounters, reasonKey, utcDay } from "./counters";

/**
 * Counts of /ibs calls that never reach the pair queue (bad input, no consent). A D1 write per call
 * would put a database round trip on every such call, and Analytics Engine cannot be queried under
 * `wrangler dev`, so each isolate adds them up in memory and sends them as one small message on the
 * existing pairs queue at most every FLUSH_AFTER_MS; the queue consumer adds them to D1. A call only
 * pays for a Map update, plus a waitUntil for the first count of a window (after the response).
 * An isolate that is evicted inside its window loses at most those seconds of counts.
 */
export const FLUSH_AFTER_MS = 5_000;
/** Distinct keys kept before an early flush; reasons are normalized, so this is rarely reached. */
const MAX_KEYS = 1_000;
/** Counters per queue message (counterMessageSchema's limit), far below the 128 KB message limit. */
const MESSAGE_COUNTS = 500;

let pending = new Map<string, Counter>();
let flushing = false;
/**
 * Which window is being counted: a flush ends it. A window's timer flushes only its own window, so a
 * timer left from a window an early or explicit flush already ended does not cut the next one short.
 */
let windowNumber = 0;

export function countIbsCall(c: AppContext, metric: Metric, dpid: number, reason = ""): void {
	// Off only to measure what counting costs (bench/ibs-counters.ts runs the edge both ways).
	if (!settingsOf(c.env).statsCounters) return;
	mergeCounters(pending, [{ day: utcDay(Date.now()), dpid, metric, reason, n: 1 }]);
	if (pending.size >= MAX_KEYS) {
		waitUntil(c, flushIbsCounters(c.env.PAIRS_QUEUE));
	} else if (!flushing) {
		flushing = true;
		const counted = windowNumber;
		waitUntil(
			c,
			delay(FLUSH_AFTER_MS).then(() => flushWindow(counted, c.env.PAIRS_QUEUE)),
		);
	}
}

/** The window being counted now. */
export function countingWindow(): number {
	return windowNumber;
}

/** A window's timer: flushes only while window `counted` is still being counted (no flush ended it). */
export async function flushWindow(counted: number, queue: Queue): Promise<void> {
	if (windowNumber === counted) await flushIbsCounters(queue);
}

/**
 * Sends everything counted so far (tests call it to flush at once): one sendBatch of messages of at
 * most MESSAGE_COUNTS counters, never the per-call `send` that /ibs uses for pairs.
 */
export async function flushIbsCounters(queue: Queue): Promise<void> {
	windowNumber++;
	flushing = false;
	const counts = [...pending.values()];
	pending = new Map();
	if (counts.length === 0) return;
	const messages: Array<MessageSendRequest<CounterMessage>> = [];
	for (let i = 0; i < counts.length; i += MESSAGE_COUNTS) {
		messages.push({
			body: { v: 1, kind: "counters", counts: counts.slice(i, i + MESSAGE_COUNTS) },
			contentType: "json",
		});
	}
	await queue.sendBatch(messages).catch((err) => console.error("stats counters lost", err));
}

/** Counts the /ibs calls rejected as bad input (400), by normalized reason. */
export const countRejectedIbsCalls: MiddlewareHandler<AppEnv> = async (c, next) => {
	await next();
	if (c.res.status === 400 && c.error) countIbsCall(c, "bad_input", 0, reasonKey(c.error.message));
};

function waitUntil(c: AppContext, work: Promise<void>): void {
	try {
		c.executionCtx.waitUntil(work);
	} catch {
		// No execution context (a unit test calling app.request): the work still runs, unawaited.
	}
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

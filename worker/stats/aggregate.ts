import type { PairEvent } from "../../core/graph/pair-event";
import type { UpsertResult } from "../../core/graph/records";
import { errorText, logEvent } from "../../core/log";
import { type Counter, counterMessageSchema, mergeCounters, utcDay } from "./counters";
import { addCounterRows, deleteCountersBefore } from "./store";

/**
 * Runs `write` (the batch's upsert) and, once it succeeded, adds the batch's counts in one statement:
 * per UTC day and partner, the sightings the store kept, split into new pairs (the first sighting of a
 * partner ID the graph did not hold) and refreshed ones. The store says which were new, whichever
 * store it is; the /ibs path itself never touches these counters. A failure to record is logged and
 * dropped: counts are for the dashboard, and retrying the pairs for them would count the batch again.
 */
export async function countingSyncs(db: D1Database, write: () => Promise<UpsertResult<PairEvent>>): Promise<void> {
	const { kept, created } = await write();
	const tally = syncCounters(kept, created);
	if (tally.length > 0) await addCounters(db, tally).catch((err) => console.error("sync counters not recorded", err));
}

/** The counters of one written batch (pure: the test states its literals). */
export function syncCounters(kept: readonly PairEvent[], created: ReadonlySet<PairEvent>): Counter[] {
	const counters = new Map<string, Counter>();
	for (const event of kept) {
		const metric = created.has(event) ? "new_pairs" : "refreshed_pairs";
		mergeCounters(counters, [{ day: utcDay(event.at), dpid: event.dpid, metric, reason: "", n: 1 }]);
	}
	return [...counters.values()];
}

export async function addCounters(db: D1Database, counters: readonly Counter[]): Promise<void> {
	if (counters.length > 0) await addCounterRows(db, JSON.stringify(counters));
}

/**
 * Takes the counter messages out of a pairs-queue batch: all of them are added in one statement and
 * acked (or retried together if D1 fails); the pair messages are returned for the pair consumer.
 */
export async function consumeCounterMessages(
	messages: readonly Message[],
	queue: string,
	db: D1Database,
): Promise<Message[]> {
	const counters = new Map<string, Counter>();
	const counted: Message[] = [];
	const rest: Message[] = [];
	for (const message of messages) {
		const parsed = counterMessageSchema.safeParse(message.body);
		if (!parsed.success) rest.push(message);
		else {
			mergeCounters(counters, parsed.data.counts);
			counted.push(message);
		}
	}
	if (counted.length === 0) return rest;
	try {
		await addCounters(db, [...counters.values()]);
		for (const message of counted) message.ack();
	} catch (err) {
		const error = errorText(err);
		for (const message of counted) {
			const { id: messageId, attempts } = message;
			logEvent("warn", {
				event: "queue.retry",
				queue,
				messageId,
				attempts,
				delaySeconds: COUNTER_RETRY_SECONDS,
				error,
			});
			message.retry({ delaySeconds: COUNTER_RETRY_SECONDS });
		}
	}
	return rest;
}

const COUNTER_RETRY_SECONDS = 30;

/** Counters are kept for a bit over a year (the dashboard shows 90 days; the API any window in that). */
export const COUNTER_DAYS = 400;

/** The cron's tidy-up: drops counters older than COUNTER_DAYS (a few rows per day, one indexed delete). */
export async function pruneCounters(db: D1Database, now: number): Promise<void> {
	await deleteCountersBefore(db, utcDay(now - COUNTER_DAYS * 86_400_000));
}

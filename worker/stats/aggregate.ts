import type { PairEvent } from "../../core/graph/pair-event";
import { type Counter, counterMessageSchema, mergeCounters, utcDay } from "./counters";
import { addCounterRows, deleteCountersBefore, tallyRows } from "./store";

/** Pair events per tally statement, as the pair store slices them (one JSON value per 1,000). */
const SLICE = 1_000;

/**
 * Runs `write` (the batch's upsert) between two cheap steps of the queue consumer: before it, which
 * of the events' partner IDs are not in the ID graph yet (new vs refreshed pairs); after it succeeded,
 * one statement adding the batch's counts. The /ibs path itself never touches these counters.
 * A failure to record is logged and dropped: counts are for the dashboard, and retrying the pairs for
 * them would count the whole batch again.
 */
export async function countingSyncs(db: D1Database, events: readonly PairEvent[], write: () => Promise<unknown>) {
	const tally = events.length === 0 ? [] : await tallyPairs(db, events);
	await write();
	if (tally.length > 0) await addCounters(db, tally).catch((err) => console.error("sync counters not recorded", err));
}

async function tallyPairs(db: D1Database, events: readonly PairEvent[]): Promise<Counter[]> {
	const slices: string[] = [];
	for (let i = 0; i < events.length; i += SLICE) slices.push(JSON.stringify(events.slice(i, i + SLICE)));
	const counters = new Map<string, Counter>();
	for (const row of await tallyRows(db, slices)) {
		const refreshed = row.events - row.new_pairs;
		const base = { day: row.day, dpid: row.dpid, reason: "" };
		const rows: Counter[] = [];
		if (row.new_pairs > 0) rows.push({ ...base, metric: "new_pairs", n: row.new_pairs });
		if (refreshed > 0) rows.push({ ...base, metric: "refreshed_pairs", n: refreshed });
		mergeCounters(counters, rows);
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
export async function consumeCounterMessages(messages: readonly Message[], db: D1Database): Promise<Message[]> {
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
		console.error("counter messages failed; retrying", err);
		for (const message of counted) message.retry({ delaySeconds: 30 });
	}
	return rest;
}

/** Counters are kept for a bit over a year (the dashboard shows 90 days; the API any window in that). */
export const COUNTER_DAYS = 400;

/** The cron's tidy-up: drops counters older than COUNTER_DAYS (a few rows per day, one indexed delete). */
export async function pruneCounters(db: D1Database, now: number): Promise<void> {
	await deleteCountersBefore(db, utcDay(now - COUNTER_DAYS * 86_400_000));
}

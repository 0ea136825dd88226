import type { Context } from "hono";
import { fail } from "../http/errors";
import { clientKey } from "../http/rate-limit";
import { deleteEndedWindows, giveBackSlot, takeSlot, windowStartOf } from "./store";

/**
 * Failed credentials per client address (IPv4 address, IPv6 /64): the admin token, partner keys and
 * dashboard logins share one allowance. A client that used it up gets 429 before its next credential is
 * even looked at, so a guesser cannot tell a right guess from a wrong one; good credentials never count.
 *
 * The count lives in D1 because the rate-limiting binding cannot look without counting: every call would
 * use up the allowance, and an operator script making many good calls would be throttled.
 */
export const MAX_AUTH_FAILURES = 10;
export const AUTH_FAILURE_WINDOW_MS = 15 * 60_000;

/** One credential check: settle it with whether the credential was good. */
export interface Attempt {
	settle(good: boolean): Promise<void>;
}

const UNLIMITED: Attempt = { settle: async () => {} };

/**
 * Takes a slot for the credential the request presents (answering 429 with Retry-After when the client
 * has none left). A good credential gives the slot back; a failed one keeps it and prunes ended windows,
 * so the table holds at most the clients that failed in the last window. No address, nothing to count.
 */
export async function beginAttempt<E extends { Bindings: Env }>(c: Context<E>): Promise<Attempt> {
	const client = clientKey(c.req.header("CF-Connecting-IP"));
	if (client === null) return UNLIMITED;
	const db: D1Database = c.env.DB;
	const now = Date.now();
	const ended = now - AUTH_FAILURE_WINDOW_MS;
	const slot = await takeSlot(db, client, now, ended, MAX_AUTH_FAILURES);
	if (slot === null) {
		const current = await windowStartOf(db, client);
		const retryAfter = Math.max(1, Math.ceil(((current ?? now) - ended) / 1000));
		c.header("Retry-After", String(retryAfter));
		fail(429, `too many failed credentials from this address; try again in ${Math.ceil(retryAfter / 60)} min`);
	}
	return {
		settle: async (good) => {
			if (good) await giveBackSlot(db, client, slot);
			else await pruneAuthFailures(db, now);
		},
	};
}

/** Deletes the counts of windows that have ended (also for the cron's pruning phase). */
export async function pruneAuthFailures(db: D1Database, now: number): Promise<void> {
	await deleteEndedWindows(db, now - AUTH_FAILURE_WINDOW_MS);
}

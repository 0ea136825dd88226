import { eventsOf, type PairEvent, pairMessageSchema } from "../../core/graph/pair-event";
import { d1PairStore, type PairStore } from "../../core/graph/store";
import { consumeCounterMessages, countingSyncs } from "../stats/aggregate";
import { type ArchivedPair, archivePairs } from "./archive";
import { deadLetter } from "./dead-letter";

type Parsed = { message: Message; pairs: ArchivedPair[] };

/** Retry back-off in seconds by attempt: 10 s, 20 s, 40 s … capped at 5 minutes. */
export function retryDelay(attempts: number): number {
	return Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Writes a batch of sync calls to D1 (one bulk statement) and R2 (one object). On failure each
 * message is tried alone, so one poison message is retried (and finally dead-lettered) without
 * holding back the rest of the batch.
 */
export async function consumePairBatch(batch: MessageBatch, env: Env): Promise<void> {
	const store = d1PairStore(env.DB);
	const parsed: Parsed[] = [];
	const malformed: Message[] = [];
	// Counter messages from /ibs (stats) share the queue; they are added up and acked first.
	for (const message of await consumeCounterMessages(batch.messages, env.DB)) {
		const result = pairMessageSchema.safeParse(message.body);
		if (!result.success) malformed.push(message);
		else parsed.push({ message, pairs: eventsOf(result.data).map((e) => ({ ...e, id: message.id })) });
	}
	if (malformed.length > 0) {
		// Retrying cannot fix a message that does not parse: keep it for inspection and move on.
		await deadLetter(env.ARCHIVE, batch.queue, "malformed", malformed);
		for (const message of malformed) message.ack();
	}
	if (parsed.length === 0) return;
	try {
		await writeGroup(env.DB, store, env.ARCHIVE, parsed);
		for (const { message } of parsed) message.ack();
	} catch (err) {
		if (parsed.length === 1) return retry(parsed[0] as Parsed, err);
		for (const one of parsed) {
			try {
				await writeGroup(env.DB, store, env.ARCHIVE, [one]);
				one.message.ack();
			} catch (oneErr) {
				retry(one, oneErr);
			}
		}
	}
}

async function writeGroup(db: D1Database, store: PairStore, archive: R2Bucket, group: readonly Parsed[]) {
	const pairs = group.flatMap((p) => p.pairs);
	const dropped: Set<PairEvent> = await store.optedOut(pairs);
	const kept = pairs.filter((p) => !dropped.has(p));
	// Stats: new vs refreshed pairs are told apart just before the upsert (worker/stats/aggregate.ts).
	await countingSyncs(db, kept, () =>
		Promise.all([store.upsert(kept), kept.length > 0 ? archivePairs(archive, kept) : undefined]),
	);
}

function retry({ message }: Parsed, err: unknown): void {
	console.error("pair message failed; retrying", message.id, message.attempts, err);
	message.retry({ delaySeconds: retryDelay(message.attempts) });
}

import { eventsOf, type PairEvent, pairMessageSchema } from "../../core/graph/pair-event";
import type { UpsertResult } from "../../core/graph/records";
import { pairStoreOf } from "../../core/graph/select";
import type { PairStore } from "../../core/graph/store";
import { errorText, logEvent } from "../../core/log";
import { type ArchivedPair, archivePairs } from "./archive";
import { deadLetter } from "./dead-letter";

type Parsed = { message: Message; pairs: ArchivedPair[] };

/**
 * Wraps the write of a batch's pairs (`write`, which answers what the store kept and what was new) so
 * whoever counts syncs can see it; the queue handler passes the stats counting in (the consumer
 * knows nothing of stats).
 */
export type AroundWrite = (write: () => Promise<UpsertResult<PairEvent>>) => Promise<void>;

/** Retry back-off in seconds by attempt: 10 s, 20 s, 40 s … capped at 5 minutes. */
export function retryDelay(attempts: number): number {
	return Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Writes a batch of sync calls to the ID graph (pairStoreOf: one RPC per shard and step, or one D1
 * transaction) and then the pairs it kept to R2 (one object per day). On failure each
 * message is tried alone, so one poison message is retried (and finally dead-lettered) without
 * holding back the rest of the batch.
 */
export async function consumePairMessages(
	messages: readonly Message[],
	queue: string,
	env: Env,
	aroundWrite: AroundWrite,
): Promise<void> {
	const store = pairStoreOf(env);
	const parsed: Parsed[] = [];
	const malformed: Message[] = [];
	for (const message of messages) {
		const result = pairMessageSchema.safeParse(message.body);
		if (!result.success) malformed.push(message);
		else parsed.push({ message, pairs: eventsOf(result.data).map((e) => ({ ...e, id: message.id })) });
	}
	if (malformed.length > 0) {
		// Retrying cannot fix a message that does not parse: keep it for inspection and move on.
		await deadLetter(env.ARCHIVE, queue, "malformed", malformed);
		for (const message of malformed) message.ack();
	}
	if (parsed.length === 0) return;
	try {
		await writeGroup(store, env.ARCHIVE, aroundWrite, parsed);
		for (const { message } of parsed) message.ack();
	} catch (err) {
		if (parsed.length === 1) return retry(queue, parsed[0] as Parsed, err);
		for (const one of parsed) {
			try {
				await writeGroup(store, env.ARCHIVE, aroundWrite, [one]);
				one.message.ack();
			} catch (oneErr) {
				retry(queue, one, oneErr);
			}
		}
	}
}

async function writeGroup(store: PairStore, archive: R2Bucket, aroundWrite: AroundWrite, group: readonly Parsed[]) {
	const pairs = group.flatMap((p) => p.pairs);
	await aroundWrite(async () => {
		// The archive gets what the graph kept (opted-out visitors and IDs are not archived either). A
		// retry after an archive failure rewrites nothing in the graph and archives the batch again.
		const result = await store.upsert(pairs);
		if (result.kept.length > 0) await archivePairs(archive, result.kept);
		return result;
	});
}

function retry(queue: string, { message }: Parsed, err: unknown): void {
	const delaySeconds = retryDelay(message.attempts);
	// The message id only: its body names the visitor and the partner's user IDs.
	logEvent("warn", {
		event: "queue.retry",
		queue,
		messageId: message.id,
		attempts: message.attempts,
		delaySeconds,
		error: errorText(err),
	});
	message.retry({ delaySeconds });
}

import { eventsOf, type PairEvent, pairMessageSchema } from "../../core/graph/pair-event";
import { d1PairStore, type PairStore } from "../../core/graph/store";
import { type ArchivedPair, archivePairs } from "./archive";
import { deadLetter } from "./dead-letter";

type Parsed = { message: Message; pairs: ArchivedPair[] };

/**
 * Wraps the write of a batch's pairs (`write`) so whoever counts syncs can look before and after it;
 * the queue handler passes the stats counting in (the consumer knows nothing of stats).
 */
export type AroundWrite = (events: readonly PairEvent[], write: () => Promise<unknown>) => Promise<void>;

/** Retry back-off in seconds by attempt: 10 s, 20 s, 40 s … capped at 5 minutes. */
export function retryDelay(attempts: number): number {
	return Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Writes a batch of sync calls to D1 (one bulk statement) and R2 (one object). On failure each
 * message is tried alone, so one poison message is retried (and finally dead-lettered) without
 * holding back the rest of the batch.
 */
export async function consumePairMessages(
	messages: readonly Message[],
	queue: string,
	env: Env,
	aroundWrite: AroundWrite,
): Promise<void> {
	const store = d1PairStore(env.DB);
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
		if (parsed.length === 1) return retry(parsed[0] as Parsed, err);
		for (const one of parsed) {
			try {
				await writeGroup(store, env.ARCHIVE, aroundWrite, [one]);
				one.message.ack();
			} catch (oneErr) {
				retry(one, oneErr);
			}
		}
	}
}

async function writeGroup(store: PairStore, archive: R2Bucket, aroundWrite: AroundWrite, group: readonly Parsed[]) {
	const pairs = group.flatMap((p) => p.pairs);
	const dropped: Set<PairEvent> = await store.optedOut(pairs);
	const kept = pairs.filter((p) => !dropped.has(p));
	await aroundWrite(kept, () =>
		Promise.all([store.upsert(kept), kept.length > 0 ? archivePairs(archive, kept) : undefined]),
	);
}

function retry({ message }: Parsed, err: unknown): void {
	console.error("pair message failed; retrying", message.id, message.attempts, err);
	message.retry({ delaySeconds: retryDelay(message.attempts) });
}

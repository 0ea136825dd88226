import { logEvent } from "../../core/log";

/**
 * Keeps messages that will not be processed (malformed, or out of retries) in the archive bucket under
 * `dead-letter/<queue>/<reason>/dt=YYYY-MM-DD/`, with their bodies intact so an operator can replay them,
 * then logs one `queue.dead_letter` line per message (its id and the object, never its body).
 */
export async function deadLetter(
	bucket: R2Bucket,
	queue: string,
	reason: "malformed" | "exhausted",
	messages: readonly Message[],
): Promise<string> {
	const now = new Date();
	const first = messages[0]?.id ?? "empty";
	const key = `dead-letter/${queue}/${reason}/dt=${now.toISOString().slice(0, 10)}/${now.getTime()}-${first}.json`;
	const records = messages.map((m) => ({
		id: m.id,
		timestamp: m.timestamp.toISOString(),
		attempts: m.attempts,
		body: m.body,
	}));
	await bucket.put(key, JSON.stringify(records), { httpMetadata: { contentType: "application/json" } });
	for (const m of messages) {
		logEvent("error", { event: "queue.dead_letter", queue, messageId: m.id, attempts: m.attempts, reason, key });
	}
	return key;
}

/** Consumer of the dead-letter queue: store every message, then acknowledge (a failed put retries). */
export async function consumeDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
	await deadLetter(env.ARCHIVE, batch.queue, "exhausted", batch.messages);
	batch.ackAll();
}

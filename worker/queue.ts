import { consumePairBatch } from "./pairs/consumer";
import { consumeDeadLetters } from "./pairs/dead-letter";

/** Queue name (wrangler.toml) → consumer. A dead-letter queue is recognised by its suffix. */
export async function handleQueue(batch: MessageBatch, env: Env): Promise<void> {
	if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env);
	if (batch.queue.startsWith("edgesync-pairs")) return consumePairBatch(batch, env);
	throw new Error(`no consumer for queue ${batch.queue}`);
}

import { consumePairMessages } from "./pairs/consumer";
import { consumeDeadLetters } from "./pairs/dead-letter";
import { consumeCounterMessages, countingSyncs } from "./stats/aggregate";

/**
 * A pair queue of any environment: `edgesync-pairs`, `edgesync-pairs-3`, `edgesync-staging-pairs-1`
 * (wrangler.toml gives each environment its own queue names).
 */
const PAIR_QUEUE = /(^|-)pairs(-\d+)?$/;

/**
 * Queue name (wrangler.toml) → consumer. A dead-letter queue is recognised by its suffix. The pairs
 * queue also carries the /ibs counter messages (stats): they are added up and acked first, and the
 * pair consumer gets the stats counting handed in around its write.
 */
export async function handleQueue(batch: MessageBatch, env: Env): Promise<void> {
	if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env);
	if (!PAIR_QUEUE.test(batch.queue)) throw new Error(`no consumer for queue ${batch.queue}`);
	const pairMessages = await consumeCounterMessages(batch.messages, batch.queue, env.DB);
	await consumePairMessages(pairMessages, batch.queue, env, (write) => countingSyncs(env.DB, write));
}

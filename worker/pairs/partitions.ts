import { BUCKETS, visitorBucket } from "../../core/graph/shards/bucket";

/**
 * The pair queues, in partition order: PAIRS_QUEUE, then PAIRS_QUEUE_1, PAIRS_QUEUE_2, … as many as
 * wrangler.toml binds. One queue carries 5,000 messages/s; the edge sends one message per /ibs call,
 * so the number of queues is what the peak call rate needs (docs/storage.md "Pair queues").
 */
export function pairQueues(env: Env): Queue[] {
	const bindings = env as unknown as Record<string, Queue | undefined>;
	const queues: Queue[] = [env.PAIRS_QUEUE];
	for (let i = 1; bindings[`PAIRS_QUEUE_${i}`]; i++) queues.push(bindings[`PAIRS_QUEUE_${i}`] as Queue);
	return queues;
}

/**
 * A visitor's queue: its bucket's share of the partitions, so each queue carries a contiguous run of
 * buckets and its batches meet few visitor shards (which hold contiguous runs too).
 */
export function queueIndexFor(uuid: string, partitions: number): number {
	return Math.floor((visitorBucket(uuid) * partitions) / BUCKETS);
}

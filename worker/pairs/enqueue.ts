import type { PairMessage } from "../../core/graph/pair-event";
import { queueIndexFor } from "./partitions";

/**
 * Hands the pairs of one call to the visitor's pair queue (one of `queues`, by bucket). Awaited by the
 * caller: the answer to the browser is the receipt that the pairs were accepted, so a failed send
 * must surface, not vanish.
 */
export async function enqueuePairs(
	queues: readonly Queue[],
	uuid: string,
	pairs: ReadonlyArray<{ dpid: number; dpuuid: string }>,
	at: number,
): Promise<void> {
	if (pairs.length === 0) return;
	const message: PairMessage = { v: 1, uuid, at, pairs: pairs.map(({ dpid, dpuuid }) => ({ dpid, dpuuid })) };
	const queue = queues[queueIndexFor(uuid, queues.length)] as Queue;
	await queue.send(message, { contentType: "json" });
}

import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { PairMessage } from "../../../core/graph/pair-event";
import { pairQueues } from "../../../worker/pairs/partitions";

/**
 * Observes the real pair queue bindings: every send still goes to the (unconsumed) test queue, and
 * the returned array collects the message bodies so a test can see exactly what was accepted;
 * `partitions` (if given) collects the partition each one went to, in the same order.
 */
export function watchPairSends(partitions: number[] = []): PairMessage[] {
	const sent: PairMessage[] = [];
	for (const [partition, queue] of pairQueues(env).entries()) {
		const send = queue.send.bind(queue);
		vi.spyOn(queue, "send").mockImplementation(async (body, options) => {
			sent.push(body as PairMessage);
			partitions.push(partition);
			return send(body, options);
		});
	}
	return sent;
}

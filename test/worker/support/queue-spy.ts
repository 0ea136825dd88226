import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { PairMessage } from "../../../core/graph/pair-event";

/**
 * Observes the real PAIRS_QUEUE binding: every send still goes to the (unconsumed) test queue, and
 * the returned array collects the message bodies so a test can see exactly what was accepted.
 */
export function watchPairSends(): PairMessage[] {
	const sent: PairMessage[] = [];
	const send = env.PAIRS_QUEUE.send.bind(env.PAIRS_QUEUE);
	vi.spyOn(env.PAIRS_QUEUE, "send").mockImplementation(async (body, options) => {
		sent.push(body as PairMessage);
		return send(body, options);
	});
	return sent;
}

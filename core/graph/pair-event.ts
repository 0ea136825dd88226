import { z } from "zod";

/** One observed match: the partner's user ID `dpuuid` belongs to edgesync visitor `uuid`. */
export interface PairEvent {
	dpid: number;
	dpuuid: string;
	uuid: string;
	/** Unix milliseconds when the edge saw it. */
	at: number;
}

/**
 * The queue message: all pairs of one sync call (one `send` per call, never one per pair).
 * Validated on the consumer side because a queue is a system boundary too.
 */
export const pairMessageSchema = z.object({
	v: z.literal(1),
	uuid: z.string().regex(/^\d{38}$/),
	at: z.number().int().positive(),
	pairs: z
		.array(z.object({ dpid: z.number().int().positive(), dpuuid: z.string().min(1).max(256) }))
		.min(1)
		.max(100),
});

export type PairMessage = z.infer<typeof pairMessageSchema>;

export function eventsOf(message: PairMessage): PairEvent[] {
	return message.pairs.map((p) => ({ dpid: p.dpid, dpuuid: p.dpuuid, uuid: message.uuid, at: message.at }));
}

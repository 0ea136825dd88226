import { z } from "zod";

/** What the sync path counts per UTC day and partner (SQL: migrations/0006_stats.sql). */
export const METRICS = ["new_pairs", "refreshed_pairs", "consent_blocked", "bad_input"] as const;
export type Metric = (typeof METRICS)[number];

export const counterSchema = z.object({
	day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	dpid: z.number().int().min(0),
	metric: z.enum(METRICS),
	reason: z.string().max(120),
	n: z.number().int().positive(),
});
export type Counter = z.infer<typeof counterSchema>;

/**
 * The counter message on the pairs queue: what one isolate counted in /ibs since its last flush. It
 * shares the queue with pair messages so no extra binding is needed; `kind` tells them apart.
 */
export const counterMessageSchema = z.object({
	v: z.literal(1),
	kind: z.literal("counters"),
	counts: z.array(counterSchema).min(1).max(500),
});
export type CounterMessage = z.infer<typeof counterMessageSchema>;

export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/**
 * A rejection reason as a counter key: the first problem only, with numbers, quoted values and host
 * names replaced, so "unknown dpid 4711" and "unknown dpid 4712" are one reason and a caller cannot
 * grow the table by inventing values.
 */
export function reasonKey(message: string): string {
	const first = message.split("; ")[0] ?? "";
	return first
		.replace(/"[^"]*"?/g, '"…"')
		.replace(/redir host \S+/g, "redir host …")
		.replace(/\d+/g, "N")
		.slice(0, 120);
}

/** Adds `more` into `into`, merging counters with the same key. */
export function mergeCounters(into: Map<string, Counter>, more: Iterable<Counter>): Map<string, Counter> {
	for (const c of more) {
		const key = `${c.day}|${c.metric}|${c.dpid}|${c.reason}`;
		const had = into.get(key);
		if (had) had.n += c.n;
		else into.set(key, { ...c });
	}
	return into;
}

import { z } from "@hono/zod-openapi";
import { utcDay } from "./counters";
import type * as sql from "./queries";
import { statsRows } from "./store";

const DAY_MS = 86_400_000;

const DaySchema = z.object({
	day: z.string().openapi({ example: "2026-11-28" }),
	dpid: z.number().openapi({ description: "0: calls that named no known partner" }),
	syncs: z.number().openapi({ description: "pairs received by the queue consumer (new + refreshed)" }),
	newPairs: z.number(),
	refreshedPairs: z.number(),
	consentBlocked: z.number().openapi({ description: "/ibs calls that stored nothing for lack of consent" }),
	badInput: z.number().openapi({ description: "/ibs calls rejected with 400" }),
});
const Totals = DaySchema.omit({ day: true, dpid: true });
const ByStatus = z.record(z.string(), z.number());

export const StatsSchema = z
	.object({
		from: z.string(),
		to: z.string(),
		dpid: z.number().nullable(),
		totals: Totals,
		days: z.array(DaySchema).openapi({ description: "per UTC day and partner; days without calls are left out" }),
		badInputByReason: z.array(z.object({ reason: z.string(), count: z.number() })),
		matchRates: z.array(
			z.object({
				dpid: z.number(),
				deliveries: z.number(),
				records: z.number().openapi({ description: "inbound records with a valid ID" }),
				matched: z.number().openapi({ description: "of those, records whose partner ID is in the ID graph" }),
				rate: z.number().nullable(),
			}),
		),
		inbound: z.object({ byStatus: ByStatus }),
		outbound: z.object({ byStatus: ByStatus }),
	})
	.openapi("Stats");
export type Stats = z.infer<typeof StatsSchema>;
type Day = z.infer<typeof DaySchema>;

const FIELD: Record<string, keyof z.infer<typeof Totals>> = {
	new_pairs: "newPairs",
	refreshed_pairs: "refreshedPairs",
	consent_blocked: "consentBlocked",
	bad_input: "badInput",
};

/** The last `days` UTC days up to `now`, of every partner or of `dpid` only. */
export async function readStats(db: D1Database, opts: { days: number; dpid: number | null; now: number }) {
	const from = utcDay(opts.now - (opts.days - 1) * DAY_MS);
	const to = utcDay(opts.now);
	const since = Date.parse(`${from}T00:00:00Z`);
	const { counters, matches, inbound, outbound } = await statsRows(db, { from, to, since, dpid: opts.dpid });
	const days = new Map<string, Day>();
	const reasons = new Map<string, number>();
	const totals = zero();
	for (const row of counters) {
		const field = FIELD[row.metric];
		if (!field) continue;
		const key = `${row.day}|${row.dpid}`;
		const day = days.get(key) ?? { day: row.day, dpid: row.dpid, ...zero() };
		days.set(key, day);
		day[field] += row.count;
		totals[field] += row.count;
		if (field === "newPairs" || field === "refreshedPairs") {
			day.syncs += row.count;
			totals.syncs += row.count;
		}
		if (field === "badInput") reasons.set(row.reason, (reasons.get(row.reason) ?? 0) + row.count);
	}
	return StatsSchema.parse({
		from,
		to,
		dpid: opts.dpid,
		totals,
		days: [...days.values()],
		badInputByReason: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
		matchRates: matches.map((m) => ({
			...m,
			rate: m.records > 0 ? m.matched / m.records : null,
		})),
		inbound: { byStatus: byStatus(inbound) },
		outbound: { byStatus: byStatus(outbound) },
	});
}

function zero() {
	return { syncs: 0, newPairs: 0, refreshedPairs: 0, consentBlocked: 0, badInput: 0 };
}

function byStatus(rows: sql.StatusRow[]): Record<string, number> {
	return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}

import { z } from "zod";
import {
	DEFAULT_GROUPS_AT_ONCE,
	DEFAULT_LINES_PER_GROUP,
	DEFAULT_MAX_FILE_BYTES,
	DEFAULT_MAX_SIGNALS_PER_LINE,
	DEFAULT_PIECE_BYTES,
	MAX_LINES_IN_FLIGHT,
} from "../inbound-limits";

/** Deployment settings, parsed once per Env from wrangler vars (see README "Configuration reference"). */
export type Settings = z.infer<typeof settingsSchema>;

const flag = z.enum(["true", "false", "1", "0", ""]).transform((v) => v === "true" || v === "1");
const csv = z.string().transform((v) =>
	v
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean),
);

const settingsSchema = z
	.object({
		demo: flag,
		cookieSameSite: z.enum(["Lax", "None"]),
		cookieDomain: z.string(),
		edgeTcfVendorId: z.coerce.number().int().min(0),
		consentDefault: z.enum(["allow", "deny"]),
		siteOrigins: csv,
		syncsPerCall: z.coerce.number().int().min(0).max(50),
		defaultResyncDays: z.coerce.number().min(0),
		operatorEmail: z.union([z.literal(""), z.email()]),
		receiptFrom: z.union([z.literal(""), z.email()]),
		inboundSettleSeconds: z.coerce.number().int().min(0),
		outboundHttpTimeoutSeconds: z.coerce.number().positive().max(600),
		outboundStepSubrequests: z.coerce.number().int().min(1),
		// At least 1,000: the D1 reference pages by rows, and one ID may hold a row for each of its up to 500
		// mapped segments. At most 100,000: a file step holds one page.
		outboundPageIds: z.coerce.number().int().min(1_000).max(100_000),
		ibsRateLimits: flag,
		statsCounters: z.enum(["on", "off"]).transform((v) => v === "on"),
		partnerCacheSeconds: z.coerce.number().int().min(0).max(3600),
		inboundMaxSignalsPerLine: z.coerce.number().int().min(1),
		inboundMaxFileBytes: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
		inboundLinesPerGroup: z.coerce.number().int().min(1),
		inboundGroupsAtOnce: z.coerce.number().int().min(1).max(16),
		inboundPieceBytes: z.coerce
			.number()
			.int()
			.min(1024)
			.max(64 * 1024 * 1024),
		graphStore: z.enum(["d1", "shards", "d1+shards", "shards+d1"]),
		visitorShardCount: z.coerce.number().int().min(1).max(4096),
		partnerIdShardCount: z.coerce.number().int().min(1).max(4096),
	})
	// A Workflow holds the lines of the group steps it runs at once: too many would pass its 128 MB.
	.refine((s) => s.inboundLinesPerGroup * s.inboundGroupsAtOnce <= MAX_LINES_IN_FLIGHT, {
		path: ["inboundLinesPerGroup"],
		message: `INBOUND_LINES_PER_GROUP × INBOUND_GROUPS_AT_ONCE must be at most ${MAX_LINES_IN_FLIGHT.toLocaleString("en-US")} (lines a delivery holds in memory at once)`,
	});

const cache = new WeakMap<object, Settings>();

export function settingsOf(env: Env): Settings {
	const cached = cache.get(env);
	if (cached) return cached;
	const parsed = settingsSchema.safeParse({
		demo: env.DEMO ?? "",
		cookieSameSite: env.COOKIE_SAMESITE || "Lax",
		cookieDomain: env.COOKIE_DOMAIN ?? "",
		edgeTcfVendorId: env.EDGE_TCF_VENDOR_ID || "0",
		consentDefault: env.CONSENT_DEFAULT || "allow",
		siteOrigins: env.SITE_ORIGINS ?? "",
		syncsPerCall: env.SYNCS_PER_CALL || "5",
		defaultResyncDays: env.DEFAULT_RESYNC_DAYS || "7",
		operatorEmail: env.OPERATOR_EMAIL ?? "",
		receiptFrom: env.RECEIPT_FROM ?? "",
		inboundSettleSeconds: env.INBOUND_SETTLE_SECONDS || "60",
		outboundHttpTimeoutSeconds: env.OUTBOUND_HTTP_TIMEOUT_SECONDS || "60",
		outboundStepSubrequests: env.OUTBOUND_STEP_SUBREQUESTS || "4000",
		outboundPageIds: env.OUTBOUND_PAGE_IDS || "50000",
		ibsRateLimits: env.IBS_RATE_LIMITS || "true",
		statsCounters: env.STATS_COUNTERS || "on",
		partnerCacheSeconds: env.PARTNER_CACHE_SECONDS || "30",
		inboundMaxSignalsPerLine: env.INBOUND_MAX_SIGNALS_PER_LINE || String(DEFAULT_MAX_SIGNALS_PER_LINE),
		inboundMaxFileBytes: env.INBOUND_MAX_FILE_BYTES || String(DEFAULT_MAX_FILE_BYTES),
		inboundLinesPerGroup: env.INBOUND_LINES_PER_GROUP || String(DEFAULT_LINES_PER_GROUP),
		inboundGroupsAtOnce: env.INBOUND_GROUPS_AT_ONCE || String(DEFAULT_GROUPS_AT_ONCE),
		inboundPieceBytes: env.INBOUND_PIECE_BYTES || String(DEFAULT_PIECE_BYTES),
		graphStore: env.GRAPH_STORE || "shards",
		visitorShardCount: env.VISITOR_SHARD_COUNT || "512",
		partnerIdShardCount: env.PARTNER_ID_SHARD_COUNT || "256",
	});
	if (!parsed.success) {
		// A misconfigured deployment must fail loudly, not run with guessed values.
		throw new Error(`invalid edgesync configuration: ${z.prettifyError(parsed.error)}`);
	}
	cache.set(env, parsed.data);
	return parsed.data;
}

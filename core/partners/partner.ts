import { z } from "zod";

/**
 * A data vendor as the edge sees it: one schema, from which the admin API's inputs are derived
 * (worker/admin/partners/schema.ts) and the domain type is inferred. Rows are mapped in queries.ts.
 */

// Lowercase DNS names, optionally "*." for any subdomain: no scheme, port, path or user info.
const HOST = /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const redirectHostSchema = z.string().regex(HOST, "must be a lowercase host name, optionally *.");

const syncUrlSchema = z
	.string()
	.max(2_048)
	.refine((value) => {
		// The URL goes verbatim into Location headers and <img src>: whitespace or a control character
		// would be re-encoded behind the operator's back, or break the header.
		if (/[\s\p{Cc}]/u.test(value)) return false;
		if (value.startsWith("/") && !value.startsWith("//")) return true;
		try {
			const url = new URL(value);
			return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
		} catch {
			return false;
		}
	}, "must be an absolute http(s) URL or an edge path starting with /");

export const partnerSchema = z.object({
	dpid: z.number().int().min(1).max(2_147_483_647),
	name: z.string().trim().min(1).max(200),
	/** Integration code accepted by `d_cid_ic` in place of the DPID. */
	integrationCode: z
		.string()
		.regex(/^[A-Za-z0-9_.-]{1,64}$/)
		.nullable()
		.default(null),
	/** Edge-initiated sync URL template; a path starting with "/" is on the edge itself. */
	syncUrl: syncUrlSchema.nullable().default(null),
	/** Hosts a partner-initiated sync may redirect to; "*.example.com" matches any subdomain. */
	redirectHosts: z.array(redirectHostSchema).max(50).default([]),
	tcfVendorId: z.number().int().min(1).nullable().default(null),
	resyncDays: z.number().min(0).max(3_650).nullable().default(null),
	inboundIdType: z.enum(["partner", "uuid"]).default("partner"),
	receiptEmails: z.array(z.email()).max(20).default([]),
	createdAt: z.number().int(),
	updatedAt: z.number().int(),
});

export type Partner = z.infer<typeof partnerSchema>;
export type PartnerInput = Omit<Partner, "createdAt" | "updatedAt">;

import { z } from "@hono/zod-openapi";
import { wildcardBaseAllowed } from "../../sync/public-suffix";

// Lowercase DNS names, optionally "*." for any subdomain: no scheme, port, path or user info.
const HOST = /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

// A wildcard must sit below a registrable domain (Public Suffix List): "*.co.uk" or "*.github.io" would
// let syncs redirect to every site anyone registers there.
const redirectHost = z
	.string()
	.regex(HOST, "must be a lowercase host name, optionally *.")
	.refine(
		(entry) => !entry.startsWith("*.") || wildcardBaseAllowed(entry.slice(2)),
		"a wildcard must be below a registrable domain (*.example.com); *.<public suffix> such as *.co.uk or *.github.io would allow every site under it",
	);

const syncUrl = z
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

/** A partner (data vendor) as the admin API shows and takes it. */
export const PartnerSchema = z
	.object({
		dpid: z.number().int().min(1).max(2_147_483_647),
		name: z.string().trim().min(1).max(200),
		integrationCode: z
			.string()
			.regex(/^[A-Za-z0-9_.-]{1,64}$/)
			.nullable()
			.default(null),
		syncUrl: syncUrl.nullable().default(null),
		redirectHosts: z.array(redirectHost).max(50).default([]),
		tcfVendorId: z.number().int().min(1).nullable().default(null),
		resyncDays: z.number().min(0).max(3_650).nullable().default(null),
		inboundIdType: z.enum(["partner", "uuid"]).default("partner"),
		receiptEmails: z.array(z.email()).max(20).default([]),
		createdAt: z.number().int(),
		updatedAt: z.number().int(),
	})
	.openapi("Partner");

/**
 * Create: everything but the timestamps, which the edge sets. Strict: a misspelt field (`redirectHost`)
 * is a 400 naming it, not a silently ignored setting.
 */
export const CreatePartnerSchema = PartnerSchema.omit({ createdAt: true, updatedAt: true })
	.strict()
	.openapi("PartnerCreate");
/** Replace (PUT): the DPID comes from the path and cannot change. */
export const ReplacePartnerSchema = CreatePartnerSchema.omit({ dpid: true }).strict().openapi("PartnerReplace");

// Plain decimal digits only: a coerced number would also take "0x10", "1e3" or "01000" as a DPID.
export const DpidParam = z.object({
	dpid: z
		.string()
		.regex(/^[1-9][0-9]{0,9}$/, "must be a positive decimal integer")
		.transform(Number)
		.pipe(z.number().max(2_147_483_647))
		.openapi({ param: { name: "dpid", in: "path" }, example: "1000" }),
});

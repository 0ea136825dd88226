import { z } from "@hono/zod-openapi";
import { partnerSchema, redirectHostSchema } from "../../../core/partners/partner";
import { wildcardBaseAllowed } from "../../sync/public-suffix";

// A wildcard must sit below a registrable domain (Public Suffix List): "*.co.uk" or "*.github.io" would
// let syncs redirect to every site anyone registers there. Checked where partners are written.
const redirectHost = redirectHostSchema.refine(
	(entry) => !entry.startsWith("*.") || wildcardBaseAllowed(entry.slice(2)),
	"a wildcard must be below a registrable domain (*.example.com); *.<public suffix> such as *.co.uk or *.github.io would allow every site under it",
);

/** A partner (data vendor) as the admin API shows and takes it: the one partner schema of core/. */
export const PartnerSchema = partnerSchema
	.extend({ redirectHosts: z.array(redirectHost).max(50).default([]) })
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

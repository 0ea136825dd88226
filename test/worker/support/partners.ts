import { env } from "cloudflare:workers";
import { forgetPartnerDirectory } from "../../../worker/partners/directory";
import type { Partner, PartnerInput } from "../../../worker/partners/partner";
import { putPartner } from "../../../worker/partners/queries";

/** Writes a partner through the real queries module and drops the isolate's partner cache. */
export async function seedPartner(overrides: Partial<PartnerInput> & { dpid: number }): Promise<Partner> {
	const partner = await putPartner(
		env.DB,
		{
			name: `Partner ${overrides.dpid}`,
			integrationCode: null,
			syncUrl: null,
			redirectHosts: [],
			tcfVendorId: null,
			resyncDays: null,
			inboundIdType: "partner",
			receiptEmails: [],
			...overrides,
		},
		Date.now(),
	);
	forgetPartnerDirectory();
	return partner;
}

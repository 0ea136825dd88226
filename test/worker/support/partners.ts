import { env } from "cloudflare:workers";
import { forgetPartnerDirectory } from "../../../core/partners/directory";
import type { Partner, PartnerInput } from "../../../core/partners/partner";
import { putPartner } from "../../../core/partners/store";
import { createPartnerKey } from "../../../worker/auth/partner-keys";

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

/** Seeds partners and gives each one API key; returns the keys' secrets by DPID. */
export async function seedPartnersWithKeys<const D extends number>(...dpids: D[]): Promise<Record<D, string>> {
	const keys = {} as Record<D, string>;
	for (const dpid of dpids) {
		await seedPartner({ dpid });
		keys[dpid] = (await createPartnerKey(env.DB, dpid, "test", Date.now())).secret;
	}
	return keys;
}

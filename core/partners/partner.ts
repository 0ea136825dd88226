/** A data vendor as the edge sees it (the domain shape; rows are mapped in queries.ts). */
export interface Partner {
	dpid: number;
	name: string;
	/** Integration code accepted by `d_cid_ic` in place of the DPID. */
	integrationCode: string | null;
	/** Edge-initiated sync URL template; a path starting with "/" is on the edge itself. */
	syncUrl: string | null;
	/** Hosts a partner-initiated sync may redirect to; "*.example.com" matches any subdomain. */
	redirectHosts: string[];
	tcfVendorId: number | null;
	resyncDays: number | null;
	inboundIdType: "partner" | "uuid";
	receiptEmails: string[];
	createdAt: number;
	updatedAt: number;
}

export type PartnerInput = Omit<Partner, "createdAt" | "updatedAt">;

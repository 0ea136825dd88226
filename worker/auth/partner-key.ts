import { z } from "zod";

/**
 * A partner key as the admin API shows it (never its secret). The key itself is `es_<id>_<secret>`;
 * only the SHA-256 of the secret is stored.
 */
export const partnerKeySchema = z.object({
	id: z.string(),
	dpid: z.number(),
	label: z.string(),
	createdAt: z.number(),
	revokedAt: z.number().nullable(),
});

export type PartnerKey = z.infer<typeof partnerKeySchema>;

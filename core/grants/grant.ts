import { z } from "zod";

/**
 * An access mapping: a data source a partner may name in its inbound files besides its own DPID (as
 * the target of `ftp_dpm_<DPID>_<TARGET>_…` or the master of `adobe_id_<MASTER>_<DPID>_…`). Written by
 * the operator only (admin API, dashboard). The admin API shows this schema as it is.
 */
export const sourceGrantSchema = z.object({
	dpid: z.number().describe("the partner that may name the source"),
	sourceDpid: z.number().describe("the data source it may name as target or master"),
	createdAt: z.number(),
});

export type SourceGrant = z.infer<typeof sourceGrantSchema>;

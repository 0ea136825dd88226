import { z } from "zod";

/**
 * An access mapping: a data source a partner may name in its inbound files besides its own DPID (as
 * the target of `ftp_dpm_<DPID>_<TARGET>_…`, the master of `adobe_id_<MASTER>_<DPID>_…`, or a DPID an
 * ID-sync file writes pairs for). The source is another partner, or one of AAM's global data sources
 * (core/partners/global-sources.ts) an ID-sync file may then write device IDs into. Written by the
 * operator only (admin API, dashboard). The admin API shows this schema as it is.
 */
export const sourceGrantSchema = z.object({
	dpid: z.number().describe("the partner that may name the source"),
	sourceDpid: z
		.number()
		.describe("the data source it may name as target, master or ID-sync DPID (a partner, or a global data source)"),
	createdAt: z.number(),
});

export type SourceGrant = z.infer<typeof sourceGrantSchema>;

/**
 * What one cron pass does at most, so one partner's flood cannot stall the others: the rest waits for
 * the next pass (files stay where they are; nothing is lost).
 */
export const DISCOVERY_LIMITS = {
	/** Partners whose inbound area one pass lists; with more partners they take turns. */
	partnersPerPass: 100,
	/** Objects listed per partner and pass: one R2 list call. */
	objectsPerPartner: 1_000,
	/** New deliveries recorded per partner and pass. */
	deliveriesPerPartner: 10,
	/** Refusals (bad names or paths, sources not granted, second uploads) per partner and pass. */
	refusalsPerPartner: 20,
};
export type DiscoveryLimits = typeof DISCOVERY_LIMITS;

import { settingsOf } from "../../core/config/settings";
import type { Partner } from "../../core/partners/partner";
import { listPartners } from "../../core/partners/store";
import { discoverForPartner } from "./discover-partner";

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

export interface Discovery {
	added: string[];
	rejected: string[];
	waiting: string[];
	/** Partners whose area could not be handled this pass (logged; the others were). */
	failed: number[];
}

/**
 * Finds new deliveries in every partner's own inbound area (`<DPID>/inbound/`, batch/exchange-layout.ts):
 * the DPID comes from the prefix, never from the file name alone. Each partner is handled on its own,
 * so one whose listing or files fail does not keep the others from being discovered.
 */
export async function discoverDeliveries(env: Env, now: number, limits = DISCOVERY_LIMITS): Promise<Discovery> {
	const settleMs = settingsOf(env).inboundSettleSeconds * 1000;
	const out: Discovery = { added: [], rejected: [], waiting: [], failed: [] };
	for (const partner of partnersThisPass(await listPartners(env.DB), now, limits.partnersPerPass)) {
		try {
			const found = await discoverForPartner(env, partner, now, settleMs, limits);
			out.added.push(...found.added);
			out.rejected.push(...found.rejected);
			out.waiting.push(...found.waiting);
		} catch (err) {
			console.error(`inbound discovery failed for DPID ${partner.dpid}`, err);
			out.failed.push(partner.dpid);
		}
	}
	return out;
}

/**
 * At most `budget` partners, taking turns by minute: with 250 partners and a budget of 100, every
 * partner's area is listed at least once every three passes, and the work of one pass stays bounded.
 */
export function partnersThisPass(partners: readonly Partner[], now: number, budget: number): Partner[] {
	if (partners.length <= budget) return [...partners];
	const start = (Math.floor(now / 60_000) * budget) % partners.length;
	return Array.from({ length: budget }, (_, i) => partners[(start + i) % partners.length] as Partner);
}

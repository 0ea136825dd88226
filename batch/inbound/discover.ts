import { settingsOf } from "../../core/config/settings";
import type { Partner } from "../../core/partners/partner";
import { listPartners } from "../../core/partners/store";
import { discoverForPartner } from "./discover-partner";
import { DISCOVERY_LIMITS } from "./discovery-limits";

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

import type { Partner } from "../../core/partners/partner";
import type { Consent } from "../consent";

const DAY_MS = 86_400_000;

export interface DueSyncPolicy {
	defaultResyncDays: number;
	syncsPerCall: number;
	now: number;
}

/**
 * Partners to sync on this page view: those with a sync URL, allowed by consent, whose pair with the
 * visitor is missing or older than their resync interval. Never-synced partners go first, then the
 * stalest, so a capped list still makes progress on every visit.
 */
export function dueSyncs(
	partners: readonly Partner[],
	lastSeen: ReadonlyMap<number, number>,
	consent: Consent,
	policy: DueSyncPolicy,
): Partner[] {
	const due = partners.filter((p) => {
		if (!p.syncUrl || !consent.forVendor(p.tcfVendorId)) return false;
		const seen = lastSeen.get(p.dpid);
		const interval = (p.resyncDays ?? policy.defaultResyncDays) * DAY_MS;
		return seen === undefined || policy.now - seen >= interval;
	});
	due.sort((a, b) => (lastSeen.get(a.dpid) ?? -1) - (lastSeen.get(b.dpid) ?? -1) || a.dpid - b.dpid);
	return due.slice(0, policy.syncsPerCall);
}

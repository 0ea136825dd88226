import { inboundKey, LEGACY_INBOUND_PREFIX, outboundPrefix, processedKey, receiptsPrefix } from "./exchange-layout";
import { moveObject } from "./inbound/move-object";
import { isFileNameError, parseInboundFileName } from "./inbound/parse";
import { findDelivery } from "./inbound/store";

/** Prefixes of the layout before partners had their own, in key order. */
const LEGACY_PREFIXES = [LEGACY_INBOUND_PREFIX, "outbound/", "receipts/"] as const;

export interface MigrationPage {
	moved: Array<{ from: string; to: string }>;
	/** Objects the migration does not move, and why (they stay where they are). */
	left: Array<{ key: string; reason: string }>;
	/** Pass back as `after` to go on; null once every legacy object was looked at. */
	next: string | null;
}

/**
 * Moves up to `limit` objects of the old layout (`inbound/<name>`, `outbound/<DPID>/…`,
 * `receipts/<DPID>/…`) into the partners' prefixes, in key order after `after`. Safe to repeat: a moved
 * object is gone from the old place, and moving is copy-then-delete.
 */
export async function migrateLegacyLayout(env: Env, after: string | null, limit: number): Promise<MigrationPage> {
	const page: MigrationPage = { moved: [], left: [], next: null };
	let seen = 0;
	for (const prefix of LEGACY_PREFIXES) {
		if (after && after > prefix && !after.startsWith(prefix)) continue;
		const listing = await env.EXCHANGE.list({
			prefix,
			startAfter: after?.startsWith(prefix) ? after : undefined,
			limit: limit - seen,
		});
		for (const object of listing.objects) {
			const target = await newPlaceOf(env, object.key);
			if ("reason" in target) page.left.push({ key: object.key, reason: target.reason });
			else if ((await moveObject(env.EXCHANGE, object.key, target.to)) === "moved") {
				page.moved.push({ from: object.key, to: target.to });
			}
			seen++;
			page.next = object.key;
		}
		if (listing.truncated || seen >= limit) return page;
	}
	page.next = null;
	return page;
}

async function newPlaceOf(env: Env, key: string): Promise<{ to: string } | { reason: string }> {
	const partnerFile = /^(outbound|receipts)\/([1-9]\d{0,9})\/(.+)$/.exec(key);
	if (partnerFile) {
		const [, area, dpid = "", rest = ""] = partnerFile;
		const prefix = area === "outbound" ? outboundPrefix(Number(dpid)) : receiptsPrefix(Number(dpid));
		return { to: `${prefix}${rest}` };
	}
	if (!key.startsWith(LEGACY_INBOUND_PREFIX)) return { reason: "not a <DPID>/ file of the old layout" };
	const name = parseInboundFileName(key.slice(LEGACY_INBOUND_PREFIX.length));
	if (isFileNameError(name)) return { reason: `not an inbound file name (${name.error}); delete or move it by hand` };
	const delivery = await findDelivery(env.DB, name.deliveryKey);
	if (delivery?.files.includes(key)) {
		if (delivery.status === "pending" || delivery.status === "running") {
			return { reason: `delivery ${delivery.id} is ${delivery.status}; run the migration again once it is finished` };
		}
		return { to: processedKey(name.dpid, delivery.id, key) };
	}
	// Not applied yet: into the partner's inbound area, where discovery records (or refuses) it.
	return { to: inboundKey(name.dpid, name.name) };
}

/**
 * Where things live in the exchange bucket. Each partner owns one prefix, `<DPID>/`, so an operator can
 * hand it S3 credentials limited to that prefix (docs/operations.md):
 *
 * - `<DPID>/inbound/…`   files the partner delivers (bare names, or AAM's `<folder>/date=YYYY-MM-DD/<name>`);
 * - `<DPID>/outbound/…`  files of its outbound runs and their `.info`;
 * - `<DPID>/receipts/…`  receipts of its deliveries (processed and refused).
 *
 * The edge's own objects live under `work/`, a prefix no partner is given: chunks of deliveries being
 * applied, and the inbound files of finished deliveries, moved out of the listed inbound area.
 */

export function partnerPrefix(dpid: number): string {
	return `${dpid}/`;
}

export function inboundPrefix(dpid: number): string {
	return `${dpid}/inbound/`;
}

export function inboundKey(dpid: number, path: string): string {
	return `${inboundPrefix(dpid)}${path}`;
}

export function outboundPrefix(dpid: number): string {
	return `${dpid}/outbound/`;
}

export function receiptsPrefix(dpid: number): string {
	return `${dpid}/receipts/`;
}

/** What a partner is shown of its own areas (API, dashboard). */
export function exchangeAreas(dpid: number) {
	return {
		prefix: partnerPrefix(dpid),
		inbound: inboundPrefix(dpid),
		outbound: outboundPrefix(dpid),
		receipts: receiptsPrefix(dpid),
	};
}

export function receiptKey(dpid: number, deliveryId: string): string {
	return `${receiptsPrefix(dpid)}${deliveryId}.json`;
}

/** The layout before partners had prefixes: still read by `POST /api/v1/exchange/migrate-layout`. */
export const LEGACY_INBOUND_PREFIX = "inbound/";

/** Where a finished delivery's files go, keeping their path inside the partner's inbound area. */
export function processedKey(dpid: number, deliveryId: string, key: string): string {
	return `work/processed/${dpid}/${deliveryId}/${pathInInbound(key)}`;
}

/** The part of a delivery file's key below its inbound area (`<DPID>/inbound/` or the legacy `inbound/`). */
export function pathInInbound(key: string): string {
	const own = /^\d+\/inbound\/(.+)$/.exec(key);
	if (own?.[1]) return own[1];
	return key.startsWith(LEGACY_INBOUND_PREFIX) ? key.slice(LEGACY_INBOUND_PREFIX.length) : key;
}

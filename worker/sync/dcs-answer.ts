import type { Context } from "hono";
import { base64 } from "../../core/encoding";

/**
 * AAM's region ids (DCS Region IDs, Locations, and Host Names) by the continent of the Cloudflare
 * location that answered. AAM's server-to-server callers read `dcs_region` to pick a regional host;
 * edgesync has one host everywhere, so the number only has to be one AAM defines and close to the caller.
 */
const REGION_BY_CONTINENT: Record<string, number> = { NA: 7, SA: 4, EU: 6, AF: 6, AS: 3, OC: 8, AN: 8 };
/** US East (Virginia): where a request without a location (local runs) is placed. */
const DEFAULT_REGION = 7;

export function dcsRegion(c: Context): number {
	const continent = (c.req.raw.cf as { continent?: unknown } | undefined)?.continent;
	return typeof continent === "string" ? (REGION_BY_CONTINENT[continent] ?? DEFAULT_REGION) : DEFAULT_REGION;
}

/** AAM's `tid`: 12 characters a caller can quote when asking about one answer (8 random bytes, base64). */
export function transactionId(): string {
	return base64(crypto.getRandomValues(new Uint8Array(8)));
}

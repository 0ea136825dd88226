import { settingsOf } from "../config/settings";
import { GLOBAL_SOURCES, globalSourcePartner } from "./global-sources";
import type { Partner } from "./partner";
import { listPartners } from "./store";

/**
 * The partner list, cached per isolate: /ibs and /id need it on every request and it changes
 * rarely. Admin writes in this isolate call `forget()`; other isolates see a change within
 * PARTNER_CACHE_SECONDS.
 *
 * Only a loaded value is shared between requests, never a load in flight: a D1 read started by one
 * request is an I/O object of that request, and another request awaiting it fails in workerd with
 * "Cannot perform I/O on behalf of a different request" (seen under load when the TTL ran out while
 * dozens of calls were in flight). So each request that finds the list stale loads it itself; a few
 * parallel reads once per TTL cost less than failing the calls.
 */
export interface PartnerDirectory {
	/** Partners, and AAM's global data sources (global-sources.ts) where no partner has their DPID. */
	byDpid: ReadonlyMap<number, Partner>;
	byIntegrationCode: ReadonlyMap<string, Partner>;
	/** The operator's partners only. */
	all: readonly Partner[];
}

let cached: { at: number; db: D1Database; value: PartnerDirectory } | null = null;
/** Bumped by forget(): a load that began before an admin write must not store what it read. */
let generation = 0;

export async function partnerDirectory(env: Env, now = Date.now()): Promise<PartnerDirectory> {
	const db = env.DB;
	if (cached && cached.db === db && now - cached.at < settingsOf(env).partnerCacheSeconds * 1000) return cached.value;
	const startedIn = generation;
	const value = index(await listPartners(db));
	// Nor may a load replace one that started after it and finished first.
	const newer = cached !== null && cached.db === db && cached.at > now;
	if (startedIn === generation && !newer) cached = { at: now, db, value };
	return value;
}

export function forgetPartnerDirectory(): void {
	cached = null;
	generation++;
}

function index(all: Partner[]): PartnerDirectory {
	const byDpid = new Map(all.map((p) => [p.dpid, p]));
	const byIntegrationCode = new Map<string, Partner>();
	for (const p of all) if (p.integrationCode) byIntegrationCode.set(p.integrationCode, p);
	for (const source of GLOBAL_SOURCES) {
		if (byDpid.has(source.dpid) || byIntegrationCode.has(source.integrationCode)) continue;
		const partner = globalSourcePartner(source);
		byDpid.set(source.dpid, partner);
		byIntegrationCode.set(source.integrationCode, partner);
	}
	return { byDpid, byIntegrationCode, all };
}

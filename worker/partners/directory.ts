import type { Partner } from "./partner";
import { listPartners } from "./queries";

/**
 * The partner list, cached per isolate: /ibs and /id need it on every request and it changes
 * rarely. Admin writes in this isolate call `forget()`; other isolates see a change within TTL_MS.
 */
const TTL_MS = 30_000;

export interface PartnerDirectory {
	byDpid: ReadonlyMap<number, Partner>;
	byIntegrationCode: ReadonlyMap<string, Partner>;
	all: readonly Partner[];
}

let cached: { at: number; db: D1Database; value: Promise<PartnerDirectory> } | null = null;

export function partnerDirectory(db: D1Database, now = Date.now()): Promise<PartnerDirectory> {
	if (cached && cached.db === db && now - cached.at < TTL_MS) return cached.value;
	const value = listPartners(db).then(index);
	// A failed load must not be cached: the next request tries again.
	value.catch(() => {
		if (cached?.value === value) cached = null;
	});
	cached = { at: now, db, value };
	return value;
}

export function forgetPartnerDirectory(): void {
	cached = null;
}

function index(all: Partner[]): PartnerDirectory {
	const byDpid = new Map(all.map((p) => [p.dpid, p]));
	const byIntegrationCode = new Map<string, Partner>();
	for (const p of all) if (p.integrationCode) byIntegrationCode.set(p.integrationCode, p);
	return { byDpid, byIntegrationCode, all };
}

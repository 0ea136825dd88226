import type { Partner, PartnerInput } from "./partner";
import * as sql from "./queries";

export async function listPartners(db: D1Database): Promise<Partner[]> {
	const { results } = await db.prepare(sql.LIST_PARTNERS).all<sql.PartnerRow>();
	return results.map(sql.toPartner);
}

export async function getPartner(db: D1Database, dpid: number): Promise<Partner | null> {
	const row = await db.prepare(sql.GET_PARTNER).bind(dpid).first<sql.PartnerRow>();
	return row ? sql.toPartner(row) : null;
}

/** Creates or replaces a partner. */
export async function putPartner(db: D1Database, p: PartnerInput, now: number): Promise<Partner> {
	const saved = await writePartner(db, sql.PUT_PARTNER, p, now);
	if (!saved) throw new Error(`partner ${p.dpid} was not written`);
	return saved;
}

/** Creates a partner; null when the DPID exists. */
export function createPartner(db: D1Database, p: PartnerInput, now: number): Promise<Partner | null> {
	return writePartner(db, sql.CREATE_PARTNER, p, now);
}

async function writePartner(db: D1Database, statement: string, p: PartnerInput, now: number): Promise<Partner | null> {
	const row = await db
		.prepare(statement)
		.bind(
			p.dpid,
			p.name,
			p.integrationCode,
			p.syncUrl,
			JSON.stringify(p.redirectHosts),
			p.tcfVendorId,
			p.resyncDays,
			p.inboundIdType,
			JSON.stringify(p.receiptEmails),
			now,
		)
		.first<sql.PartnerRow>();
	return row ? sql.toPartner(row) : null;
}

export async function deletePartner(db: D1Database, dpid: number): Promise<boolean> {
	const result = await db.prepare(sql.DELETE_PARTNER).bind(dpid).run();
	return result.meta.changes > 0;
}

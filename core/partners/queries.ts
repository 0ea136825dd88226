import type { Partner, PartnerInput } from "./partner";

/** The partners table, row for row. */
interface PartnerRow {
	dpid: number;
	name: string;
	integration_code: string | null;
	sync_url: string | null;
	redirect_hosts: string;
	tcf_vendor_id: number | null;
	resync_days: number | null;
	inbound_id_type: "partner" | "uuid";
	receipt_emails: string;
	created_at: number;
	updated_at: number;
}

const COLUMNS =
	"dpid, name, integration_code, sync_url, redirect_hosts, tcf_vendor_id, resync_days, inbound_id_type, receipt_emails, created_at, updated_at";

function toPartner(row: PartnerRow): Partner {
	return {
		dpid: row.dpid,
		name: row.name,
		integrationCode: row.integration_code,
		syncUrl: row.sync_url,
		redirectHosts: JSON.parse(row.redirect_hosts) as string[],
		tcfVendorId: row.tcf_vendor_id,
		resyncDays: row.resync_days,
		inboundIdType: row.inbound_id_type,
		receiptEmails: JSON.parse(row.receipt_emails) as string[],
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export async function listPartners(db: D1Database): Promise<Partner[]> {
	const { results } = await db.prepare(`SELECT ${COLUMNS} FROM partners ORDER BY dpid`).all<PartnerRow>();
	return results.map(toPartner);
}

export async function getPartner(db: D1Database, dpid: number): Promise<Partner | null> {
	const row = await db.prepare(`SELECT ${COLUMNS} FROM partners WHERE dpid = ?1`).bind(dpid).first<PartnerRow>();
	return row ? toPartner(row) : null;
}

/** Insert or replace every field of a partner; `created_at` survives a replace. */
const REPLACE = `ON CONFLICT (dpid) DO UPDATE SET name = ?2, integration_code = ?3, sync_url = ?4,
	redirect_hosts = ?5, tcf_vendor_id = ?6, resync_days = ?7, inbound_id_type = ?8, receipt_emails = ?9, updated_at = ?10`;

/** Creates or replaces a partner. */
export async function putPartner(db: D1Database, p: PartnerInput, now: number): Promise<Partner> {
	const saved = await writePartner(db, p, now, REPLACE);
	if (!saved) throw new Error(`partner ${p.dpid} was not written`);
	return saved;
}

/** Creates a partner; null when the DPID exists (one statement, so two racing creates cannot both win). */
export function createPartner(db: D1Database, p: PartnerInput, now: number): Promise<Partner | null> {
	return writePartner(db, p, now, "ON CONFLICT (dpid) DO NOTHING");
}

async function writePartner(db: D1Database, p: PartnerInput, now: number, onConflict: string): Promise<Partner | null> {
	const row = await db
		.prepare(
			`INSERT INTO partners (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) ${onConflict}
			 RETURNING ${COLUMNS}`,
		)
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
		.first<PartnerRow>();
	return row ? toPartner(row) : null;
}

export async function deletePartner(db: D1Database, dpid: number): Promise<boolean> {
	const result = await db.prepare("DELETE FROM partners WHERE dpid = ?1").bind(dpid).run();
	return result.meta.changes > 0;
}

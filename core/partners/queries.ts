import type { Partner } from "./partner";

/** SQL of the partners table (migrations/0001) and its row mapping; core/partners/store.ts runs it. */

/** The partners table, row for row. */
export interface PartnerRow {
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

export const LIST_PARTNERS = `SELECT ${COLUMNS} FROM partners ORDER BY dpid`;

/** ?1 dpid. */
export const GET_PARTNER = `SELECT ${COLUMNS} FROM partners WHERE dpid = ?1`;

/**
 * ?1 dpid, ?2 name, ?3 integration code, ?4 sync URL, ?5 redirect hosts JSON, ?6 TCF vendor id, ?7 resync
 * days, ?8 inbound ID type, ?9 receipt e-mails JSON, ?10 now. Creates or replaces every field; `created_at`
 * survives a replace.
 */
export const PUT_PARTNER = `INSERT INTO partners (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
ON CONFLICT (dpid) DO UPDATE SET name = ?2, integration_code = ?3, sync_url = ?4, redirect_hosts = ?5,
	tcf_vendor_id = ?6, resync_days = ?7, inbound_id_type = ?8, receipt_emails = ?9, updated_at = ?10
RETURNING ${COLUMNS}`;

/** The parameters of PUT_PARTNER; nothing comes back when the DPID exists (one statement, so two racing creates cannot both win). */
export const CREATE_PARTNER = `INSERT INTO partners (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
ON CONFLICT (dpid) DO NOTHING
RETURNING ${COLUMNS}`;

/** ?1 dpid. */
export const DELETE_PARTNER = "DELETE FROM partners WHERE dpid = ?1";

export function toPartner(row: PartnerRow): Partner {
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

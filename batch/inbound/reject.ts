import { settingsOf } from "../../core/config/settings";
import { logEvent } from "../../core/log";
import type { Partner } from "../../core/partners/partner";
import { receiptKey } from "../exchange-layout";
import { rejectedReceipt } from "../receipts/receipt";
import { type Refused, rejectionsMail } from "../receipts/rejections-mail";
import { sendMail } from "../receipts/send";
import { insertRejected } from "./store";

/** An object as discovery listed it. */
export interface ListedObject {
	key: string;
	etag: string;
	uploaded: number;
}

/** Files refused together: one file, or the parts of one delivery. */
export interface Refusal {
	/** What the partner called it: the delivery id, or the file's path inside its inbound area. */
	label: string;
	reason: string;
	objects: ListedObject[];
}

/**
 * The id of a refusal: the label, `@`, and the newest upload time of its files (Unix ms). `@` never
 * occurs in an inbound file name, so no refusal can take the id a real delivery needs later (a file
 * refused for a missing grant is sent again under the same name once the grant exists); the upload
 * time makes the same objects give the same id (a retried pass records them once) and a later upload
 * under the same name a new one.
 */
export function refusalId(refusal: Refusal): string {
	const label = printable(refusal.label).slice(0, 150) || "(no name)";
	return `${label}@${Math.max(0, ...refusal.objects.map((o) => o.uploaded))}`;
}

/** Names come from partners: control characters (line breaks in an e-mail, in logs) become `?`. */
function printable(text: string): string {
	return text.replace(/\p{Cc}/gu, "?");
}

/**
 * Records a refusal (D1 row and receipt, an R2 copy of the receipt in the partner's prefix), then
 * deletes its files: a refused file is never read, and copying it elsewhere would let a partner make
 * the edge copy gigabytes on every pass. The receipt keeps the names. Retry-safe: the row is written
 * once, and a file uploaded again meanwhile (another ETag) is left for the next pass.
 */
export async function recordRefusal(env: Env, dpid: number, refusal: Refusal, now: number): Promise<Refused> {
	const id = refusalId(refusal);
	const files = refusal.objects.map((o) => o.key);
	const reason = printable(refusal.reason);
	const receiptJson = JSON.stringify(rejectedReceipt(id, files, reason, now));
	await insertRejected(env.DB, { id, dpid, files, receiptJson }, now);
	await env.EXCHANGE.put(receiptKey(dpid, id), receiptJson, { httpMetadata: { contentType: "application/json" } });
	for (const object of refusal.objects) {
		const current = await env.EXCHANGE.head(object.key);
		if (current?.etag === object.etag) await env.EXCHANGE.delete(object.key);
	}
	logEvent("warn", {
		event: "delivery.refused",
		direction: "inbound",
		dpid,
		refusalId: id,
		files: files.length,
		reason,
	});
	return { id, label: printable(refusal.label), reason };
}

/**
 * The pass's one e-mail for a partner, to the operator and the partner's receipt addresses. A mail
 * outage must not stop discovery: every refusal is recorded and readable through the API already.
 */
export async function mailRefusals(env: Env, partner: Partner, refused: readonly Refused[], now: number) {
	const { operatorEmail, receiptFrom } = settingsOf(env);
	const to = [...new Set([operatorEmail, ...partner.receiptEmails].filter(Boolean))];
	if (to.length === 0 || !receiptFrom) return;
	try {
		await sendMail(env, rejectionsMail(partner.dpid, refused, receiptFrom, to), refusalsFolder(partner.dpid, now));
	} catch (err) {
		console.error(`could not e-mail the refusals of DPID ${partner.dpid}`, err);
	}
}

export function refusalsFolder(dpid: number, passTime: number): string {
	return `mail/rejections/${dpid}/${passTime}`;
}

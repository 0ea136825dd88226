import { settingsOf } from "../../core/config/settings";
import { pairStoreOf } from "../../core/graph/select";
import { getPartner } from "../../core/partners/store";
import { receiptKey } from "../exchange-layout";
import { receiptMail } from "../receipts/mail";
import { buildReceipt, type Receipt } from "../receipts/receipt";
import { sendMail } from "../receipts/send";
import { listSegments } from "../segments/store";
import { catalogOf } from "../traits/catalog";
import { traitsOfSource } from "../traits/store";
import { applyChunk } from "./apply-chunk";
import { applyIdSyncChunk } from "./apply-id-chunk";
import { pieceKey } from "./groups/piece";
import { decodeIdLine, decodeTraitLine } from "./groups/piece-line";
import type { GroupRange } from "./groups/plan";
import { readGroupLines } from "./groups/read-group";
import { userLineCap } from "./groups/user-cap";
import { idColumnOf, receiptSampleLines, type Tally } from "./parse";
import { nameOf } from "./split";
import { loadDelivery, recordFailure, recordReceipt } from "./store";

/**
 * Step: apply group `group` of a delivery, every line of its buckets' users read from the pieces (see
 * applyChunk / applyIdSyncChunk for exactly-once).
 */
export async function applyStoredGroup(env: Env, deliveryId: string, group: number, range: GroupRange): Promise<Tally> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	const now = Date.now();
	if (delivery.kind === "id_sync") {
		const name = nameOf(delivery.files[0] ?? "");
		const lines = await readGroupLines(env, deliveryId, range, decodeIdLine);
		return applyIdSyncChunk(env.DB, pairStoreOf(env), deliveryId, group, name, lines, now);
	}
	const partner = await getPartner(env.DB, delivery.dpid);
	if (!partner) throw new Error(`partner ${delivery.dpid} of delivery ${deliveryId} no longer exists`);
	// Whose IDs the lines carry: the owner's, or a global data source's device IDs (the name's DPID).
	const idSource = nameOf(delivery.files[0] ?? "").dpid;
	const { idType } = idColumnOf(idSource, partner.inboundIdType);
	const traitSource = delivery.targetDpid ?? delivery.dpid;
	const catalog = catalogOf(await traitsOfSource(env.DB, traitSource));
	// A user's lines past the 200-lines rule are counted as the group is read, never held.
	const cap = userLineCap();
	const lines = await readGroupLines(env, deliveryId, range, decodeTraitLine, cap.keep);
	return applyChunk(
		env.DB,
		pairStoreOf(env),
		{ deliveryId, idSource, idType, traitSource, mode: delivery.mode },
		group,
		lines,
		catalog,
		now,
		await listSegments(env.DB),
		cap.over,
	);
}

/** Step: write the receipt to R2 and D1, mark the delivery done and drop its pieces. */
export async function finishDelivery(
	env: Env,
	deliveryId: string,
	tally: Tally,
	startedAt: number,
	pieces: number,
): Promise<{ stored: number }> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	if (delivery.status === "done" && delivery.receipt) return { stored: delivery.receipt["Stored Records"] };
	const receipt = buildReceipt({
		delivery: deliveryId,
		files: delivery.files,
		counts: tally.counts,
		sampleLines: receiptSampleLines(tally.samples),
		users: tally.users,
		start: startedAt,
		end: Date.now(),
		lateOf: delivery.lateOf,
	});
	const json = JSON.stringify(receipt);
	await env.EXCHANGE.put(receiptKey(delivery.dpid, deliveryId), json, {
		httpMetadata: { contentType: "application/json" },
	});
	await recordReceipt(env.DB, deliveryId, json, Date.now());
	await deletePieces(env, deliveryId, pieces);
	return { stored: receipt["Stored Records"] };
}

/** R2 deletes at most 1,000 keys per call. */
async function deletePieces(env: Env, deliveryId: string, pieces: number): Promise<void> {
	for (let from = 0; from < pieces; from += 1000) {
		const keys = Array.from({ length: Math.min(1000, pieces - from) }, (_, i) => pieceKey(deliveryId, from + i));
		await env.EXCHANGE.delete(keys);
	}
}

/** Step: e-mail the stored receipt to the operator and the partner's recipients. */
export async function sendReceipt(env: Env, deliveryId: string): Promise<{ sent: number }> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	if (!delivery.receipt) throw new Error(`delivery ${deliveryId} has no receipt yet`);
	const partner = await getPartner(env.DB, delivery.dpid);
	return mailReceipt(env, delivery.receipt, delivery.dpid, partner?.receiptEmails ?? []);
}

/** Sends the receipt to the operator and the partner's recipients (copies kept, see sendMail). */
async function mailReceipt(env: Env, receipt: Receipt, dpid: number, partnerEmails: readonly string[]) {
	const { operatorEmail, receiptFrom } = settingsOf(env);
	const to = [...new Set([operatorEmail, ...partnerEmails].filter(Boolean))];
	if (to.length === 0 || !receiptFrom) return { sent: 0 };
	return sendMail(env, receiptMail(receipt, dpid, receiptFrom, to), receiptFolder(receipt.Delivery));
}

function receiptFolder(deliveryId: string): string {
	return `mail/receipts/${encodeURIComponent(deliveryId)}`;
}

/** Step: the workflow gave up; keep a receipt that says so. */
export async function markFailed(env: Env, deliveryId: string, reason: string): Promise<void> {
	const failed = JSON.stringify({ Delivery: deliveryId, Status: "failed", Reason: reason.slice(0, 500) });
	await recordFailure(env.DB, deliveryId, failed, Date.now());
}

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
import type { ChunkLine } from "./chunk-decision";
import { chunkKey } from "./delivery";
import type { IdChunkLine } from "./id-chunk-decision";
import { receiptSampleLines, type Tally } from "./parse";
import { nameOf } from "./split";
import { loadDelivery, recordFailure, recordReceipt, userTotals } from "./store";

/** Step: apply chunk `chunk` of a delivery (see applyChunk / applyIdSyncChunk for exactly-once). */
export async function applyStoredChunk(env: Env, deliveryId: string, chunk: number): Promise<Tally> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	const object = await env.EXCHANGE.get(chunkKey(deliveryId, chunk));
	if (!object) throw new Error(`chunk ${chunk} of ${deliveryId} is missing`);
	const lines = (await object.text()).split("\n").filter(Boolean);
	const now = Date.now();
	if (delivery.kind === "id_sync") {
		const name = nameOf(delivery.files[0] ?? "");
		return applyIdSyncChunk(
			env.DB,
			pairStoreOf(env),
			deliveryId,
			chunk,
			name,
			lines.map((l) => JSON.parse(l) as IdChunkLine),
			now,
		);
	}
	const partner = await getPartner(env.DB, delivery.dpid);
	if (!partner) throw new Error(`partner ${delivery.dpid} of delivery ${deliveryId} no longer exists`);
	const traitSource = delivery.targetDpid ?? delivery.dpid;
	const catalog = catalogOf(await traitsOfSource(env.DB, traitSource));
	return applyChunk(
		env.DB,
		pairStoreOf(env),
		{ deliveryId, idSource: delivery.dpid, idType: partner.inboundIdType, traitSource, mode: delivery.mode },
		chunk,
		lines.map((l) => JSON.parse(l) as ChunkLine),
		catalog,
		now,
		await listSegments(env.DB),
	);
}

/** Step: write the receipt to R2 and D1, mark the delivery done and drop its working state. */
export async function finishDelivery(
	env: Env,
	deliveryId: string,
	tally: Tally,
	startedAt: number,
	chunks: number,
): Promise<{ stored: number }> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	if (delivery.status === "done" && delivery.receipt) return { stored: delivery.receipt["Stored records"] };
	const receipt = buildReceipt({
		delivery: deliveryId,
		files: delivery.files,
		counts: tally.counts,
		sampleLines: receiptSampleLines(tally.samples),
		users: await userTotals(env.DB, deliveryId),
		start: startedAt,
		end: Date.now(),
	});
	const json = JSON.stringify(receipt);
	await env.EXCHANGE.put(receiptKey(delivery.dpid, deliveryId), json, {
		httpMetadata: { contentType: "application/json" },
	});
	await recordReceipt(env.DB, deliveryId, json, Date.now());
	await env.EXCHANGE.delete(Array.from({ length: chunks }, (_, i) => chunkKey(deliveryId, i)));
	return { stored: receipt["Stored records"] };
}

/** Step: e-mail the stored receipt to the operator and the partner's recipients. */
export async function sendReceipt(env: Env, deliveryId: string): Promise<{ sent: number }> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	if (!delivery.receipt) throw new Error(`delivery ${deliveryId} has no receipt yet`);
	const partner = await getPartner(env.DB, delivery.dpid);
	return mailReceipt(env, delivery.receipt, partner?.receiptEmails ?? []);
}

/** Sends the receipt to the operator and the partner's recipients (copies kept, see sendMail). */
async function mailReceipt(env: Env, receipt: Receipt, partnerEmails: readonly string[]): Promise<{ sent: number }> {
	const { operatorEmail, receiptFrom } = settingsOf(env);
	const to = [...new Set([operatorEmail, ...partnerEmails].filter(Boolean))];
	if (to.length === 0 || !receiptFrom) return { sent: 0 };
	return sendMail(env, receiptMail(receipt, receiptFrom, to), receiptFolder(receipt.Delivery));
}

function receiptFolder(deliveryId: string): string {
	return `mail/receipts/${encodeURIComponent(deliveryId)}`;
}

/** Step: the workflow gave up; keep a receipt that says so. */
export async function markFailed(env: Env, deliveryId: string, reason: string): Promise<void> {
	const failed = JSON.stringify({ Delivery: deliveryId, Status: "failed", Reason: reason.slice(0, 500) });
	await recordFailure(env.DB, deliveryId, failed, Date.now());
}

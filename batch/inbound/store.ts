import { allInSlices } from "../../core/db/json-each";
import type { Delivery } from "./delivery";
import * as groupSql from "./groups/queries";
import * as sql from "./queries";

// ---- deliveries ----

export async function findDelivery(db: D1Database, id: string): Promise<Delivery | null> {
	const row = await db.prepare(sql.GET_DELIVERY).bind(id).first<sql.DeliveryRow>();
	return row ? sql.toDelivery(row) : null;
}

/** A delivery a step works on: it exists, or the workflow's invariant is broken. */
export async function loadDelivery(db: D1Database, id: string): Promise<Delivery> {
	const delivery = await findDelivery(db, id);
	if (!delivery) throw new Error(`unknown delivery ${id}`);
	return delivery;
}

/** Newest first; `dpid` null lists every partner's. */
export async function listDeliveries(db: D1Database, dpid: number | null, limit: number): Promise<Delivery[]> {
	const { results } = await db.prepare(sql.LIST_DELIVERIES).bind(dpid, limit).all<sql.DeliveryRow>();
	return results.map(sql.toDelivery);
}

/** The deliveries among `ids` that are already recorded, by id. */
export async function knownDeliveries(db: D1Database, ids: readonly string[]): Promise<Map<string, sql.KnownDelivery>> {
	const rows = await allInSlices<sql.KnownDeliveryRow>(db, sql.KNOWN_DELIVERIES, ids);
	return new Map(rows.map((row) => [row.id, sql.toKnownDelivery(row)]));
}

export type NewDelivery = Pick<
	Delivery,
	"id" | "dpid" | "targetDpid" | "kind" | "mode" | "fileTimestampSeconds" | "files"
> & { lateOf?: string };

/** Records a discovered delivery as pending; an id already recorded is left alone (discovery retries). */
export async function insertDelivery(db: D1Database, d: NewDelivery, now: number): Promise<void> {
	const files = JSON.stringify(d.files);
	await db
		.prepare(sql.INSERT_DELIVERY)
		.bind(d.id, d.dpid, d.targetDpid, d.kind, d.mode, d.fileTimestampSeconds, files, now, d.lateOf ?? null)
		.run();
}

/** Adds late parts to a delivery still pending; false when it was claimed (or changed) since `read`. */
export async function joinPending(db: D1Database, id: string, read: readonly string[], files: readonly string[]) {
	const result = await db.prepare(sql.JOIN_PENDING).bind(id, JSON.stringify(files), JSON.stringify(read)).run();
	return result.meta.changes === 1;
}

/** Records files refused before processing, with their receipt; an id already recorded is left alone. */
export async function insertRejected(
	db: D1Database,
	refused: { id: string; dpid: number; files: readonly string[]; receiptJson: string },
	now: number,
): Promise<void> {
	const { id, dpid, files, receiptJson } = refused;
	await db.prepare(sql.INSERT_REJECTED).bind(id, dpid, JSON.stringify(files), receiptJson, now).run();
}

export async function markFilesMoved(db: D1Database, id: string, now: number): Promise<void> {
	await db.prepare(sql.FILES_MOVED).bind(id, now).run();
}

/** The delivery is done: its receipt is kept and its pieces' index dropped, together. */
export async function recordReceipt(db: D1Database, id: string, receiptJson: string, now: number): Promise<void> {
	await db.batch([
		db.prepare(sql.FINISH).bind(id, "done", receiptJson, now),
		db.prepare(groupSql.FORGET_PIECES).bind(id),
	]);
}

/** The workflow gave up on the delivery; `receiptJson` says why. */
export async function recordFailure(db: D1Database, id: string, receiptJson: string, now: number): Promise<void> {
	await db.prepare(sql.FINISH).bind(id, "failed", receiptJson, now).run();
}

/** The oldest pending delivery of every data source that has none running. */
export async function nextDeliveryPerSource(db: D1Database): Promise<string[]> {
	const { results } = await db.prepare(sql.NEXT_PER_SOURCE).all<{ id: string }>();
	return results.map((r) => r.id);
}

/** pending → running with its Workflow id; false when another cron pass claimed it first. */
export async function claimDelivery(db: D1Database, id: string, workflowId: string, now: number): Promise<boolean> {
	return (await db.prepare(sql.CLAIM).bind(id, workflowId, now).run()).meta.changes === 1;
}

/** running → pending again, for a claim whose Workflow could not be created. */
export async function unclaimDelivery(db: D1Database, id: string, workflowId: string): Promise<void> {
	await db.prepare(sql.UNCLAIM).bind(id, workflowId).run();
}

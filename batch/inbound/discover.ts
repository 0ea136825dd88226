import { settingsOf } from "../../worker/config";
import { allInSlices } from "../../worker/db/json-each";
import { getPartner } from "../../worker/partners/queries";
import { rejectedReceipt } from "../receipts/receipt";
import { type InboundFileName, isFileNameError, parseInboundFileName } from "./parse";
import * as sql from "./queries";
import { mailReceipt } from "./steps";

export const INBOUND_PREFIX = "inbound/";

interface Group {
	name: InboundFileName;
	keys: Array<{ key: string; split: number }>;
	newest: number;
}

export interface Discovery {
	added: string[];
	rejected: string[];
	waiting: string[];
}

/**
 * Finds new deliveries under `inbound/`: split parts are grouped by delivery, a delivery is recorded
 * once none of its parts changed for INBOUND_SETTLE_SECONDS, and names that are not inbound files are
 * rejected with a receipt. Recording is idempotent (the delivery id is the primary key), so two cron
 * runs that overlap record each delivery once.
 */
export async function discoverDeliveries(env: Env, now: number): Promise<Discovery> {
	const settleMs = settingsOf(env).inboundSettleSeconds * 1000;
	const groups = new Map<string, Group>();
	const badNames: Array<{ key: string; reason: string }> = [];
	let cursor: string | undefined;
	do {
		const page = await env.EXCHANGE.list({ prefix: INBOUND_PREFIX, cursor });
		for (const object of page.objects) {
			const parsed = parseInboundFileName(object.key.slice(INBOUND_PREFIX.length));
			if (isFileNameError(parsed)) {
				badNames.push({ key: object.key, reason: parsed.error });
				continue;
			}
			const group = groups.get(parsed.deliveryKey) ?? { name: parsed, keys: [], newest: 0 };
			group.keys.push({ key: object.key, split: parsed.split ?? 0 });
			group.newest = Math.max(group.newest, object.uploaded.getTime());
			groups.set(parsed.deliveryKey, group);
		}
		cursor = page.truncated ? page.cursor : undefined;
	} while (cursor);

	const ids = [...groups.keys(), ...badNames.map((b) => b.key)];
	const known = new Set((await allInSlices<{ id: string }>(env.DB, sql.KNOWN_DELIVERIES, ids)).map((r) => r.id));
	const out: Discovery = { added: [], rejected: [], waiting: [] };
	for (const bad of badNames) {
		if (known.has(bad.key)) continue;
		await reject(env, bad.key, bad.reason, now);
		out.rejected.push(bad.key);
	}
	for (const [id, group] of groups) {
		if (known.has(id)) continue;
		if (now - group.newest < settleMs) {
			out.waiting.push(id);
			continue;
		}
		const partner = await getPartner(env.DB, group.name.dpid);
		if (!partner) {
			await reject(env, id, `unknown DPID ${group.name.dpid}`, now);
			out.rejected.push(id);
			continue;
		}
		const files = group.keys.sort((a, b) => a.split - b.split).map((k) => k.key);
		const n = group.name;
		await env.DB.prepare(sql.INSERT_DELIVERY)
			.bind(id, n.dpid, n.targetDpid, n.kind, n.mode, n.timestamp, JSON.stringify(files), now)
			.run();
		out.added.push(id);
	}
	return out;
}

/** Records a delivery that will not be processed, with a receipt that says why, and tells the operator. */
async function reject(env: Env, id: string, reason: string, now: number): Promise<void> {
	const receipt = rejectedReceipt(id, reason, now);
	await env.DB.prepare(sql.INSERT_REJECTED).bind(id, JSON.stringify(receipt), now).run();
	try {
		await mailReceipt(env, receipt, []);
	} catch (err) {
		// The rejection is recorded and readable through the API; a mail outage must not stop discovery.
		console.error("could not e-mail a rejection receipt", id, err);
	}
}

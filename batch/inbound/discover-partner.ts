import { grantedSources, refusedSender, refusedSource } from "../../core/grants/access";
import type { Partner } from "../../core/partners/partner";
import { inboundPrefix } from "../exchange-layout";
import type { Refused } from "../receipts/rejections-mail";
import { deliveryIdOf } from "./delivery";
import type { DiscoveryLimits } from "./discovery-limits";
import { isPathError, parseInboundPath } from "./inbound-path";
import { judgeKnownDelivery, lateIdsOf, type PartObject } from "./late-parts";
import { type InboundFileName, parseInboundFileName } from "./parse";
import { mailRefusals, type Refusal, recordRefusal } from "./reject";
import { insertDelivery, knownDeliveries } from "./store";

interface Group {
	name: InboundFileName;
	objects: PartObject[];
	newest: number;
}

/**
 * One partner's inbound area, one pass: split parts are grouped by delivery (each part once); a
 * delivery is recorded, owned by this partner, once none of its parts changed for the settle time and
 * the sources its name gives are its own, granted, or a global data source's device IDs
 * (core/grants/access.ts); everything else is refused with a receipt and deleted, and the partner gets one e-mail listing what
 * this pass refused. Files of recorded deliveries stay until their workflow moves them out, so the
 * listing holds only what is new or under way; files under a recorded delivery's name are judged in
 * late-parts.ts. Recording is idempotent (the delivery id is the key).
 */
export async function discoverForPartner(
	env: Env,
	partner: Partner,
	now: number,
	settleMs: number,
	limits: DiscoveryLimits,
): Promise<{ added: string[]; rejected: string[]; waiting: string[] }> {
	const { dpid } = partner;
	const prefix = inboundPrefix(dpid);
	const groups = new Map<string, Group>();
	const refusals: Refusal[] = [];
	const take = (object: R2Object) => {
		// Folder markers some S3 tools create (`acme/date=2026-11-01/`) are not files.
		if (object.key.endsWith("/")) return;
		const listed = { key: object.key, etag: object.etag, uploaded: object.uploaded.getTime() };
		const path = object.key.slice(prefix.length);
		const where = parseInboundPath(path);
		const name = isPathError(where) ? where : parseInboundFileName(where.name);
		// Whose IDs a trait file carries is checked per file; the other sources per delivery, below.
		const sender = "error" in name ? null : refusedSender(dpid, name);
		if ("error" in name) {
			refusals.push({ label: path, reason: name.error, objects: [listed] });
		} else if (sender) {
			refusals.push({ label: path, reason: `${sender} (in ${prefix})`, objects: [listed] });
		} else {
			const id = deliveryIdOf(name, dpid);
			const group = groups.get(id) ?? { name, objects: [], newest: 0 };
			group.objects.push({ ...listed, split: name.split ?? 0 });
			group.newest = Math.max(group.newest, listed.uploaded);
			groups.set(id, group);
		}
	};
	const page = await env.EXCHANGE.list({ prefix, limit: limits.objectsPerPartner });
	for (const object of page.objects) take(object);
	// Keys sharing a prefix are contiguous in a listing, so a cut-off page can split only the delivery of
	// its last key: its remaining parts in the same folder are fetched (one more list call), never guessed.
	const last = page.objects.at(-1);
	const lastGroup = last && [...groups.values()].find((g) => g.objects.some((o) => o.key === last.key));
	if (page.truncated && last && lastGroup) {
		const folder = last.key.slice(0, last.key.lastIndexOf("/") + 1);
		const rest = await env.EXCHANGE.list({
			prefix: `${folder}${lastGroup.name.deliveryKey}`,
			startAfter: last.key,
			limit: limits.objectsPerPartner,
		});
		for (const object of rest.objects) take(object);
	}

	const known = await knownDeliveries(env.DB, [...groups.keys()]);
	const lateIds = [...known.values()].flatMap((k) => lateIdsOf(k, groups.get(k.id)?.objects ?? []));
	const lateKnown = await knownDeliveries(env.DB, lateIds);
	const granted = await grantedSources(env.DB, dpid);
	const added: string[] = [];
	const waiting: string[] = [];
	for (const [id, group] of groups) {
		const delivery = known.get(id);
		if (delivery) {
			const judged = { known: delivery, name: group.name, objects: group.objects, owner: dpid };
			const outcome = await judgeKnownDelivery(env.DB, judged, lateKnown, now, settleMs);
			refusals.push(...outcome.refusals);
			added.push(...outcome.added);
			waiting.push(...outcome.waiting);
		} else if (now - group.newest < settleMs || added.length >= limits.deliveriesPerPartner) {
			waiting.push(id);
		} else {
			const reason = refusedSource(dpid, granted, group.name);
			// Labelled by the name the partner sent (an id may start with the owner's DPID, see deliveryIdOf).
			if (reason) refusals.push({ label: group.name.deliveryKey, reason, objects: group.objects });
			else {
				const { once, again } = oncePerPart(id, group.objects);
				refusals.push(...again);
				added.push(await record(env, dpid, id, { ...group, objects: once }, now));
			}
		}
	}

	const refused: Refused[] = [];
	for (const refusal of refusals.slice(0, limits.refusalsPerPartner)) {
		refused.push(await recordRefusal(env, dpid, refusal, now));
	}
	if (refused.length > 0) await mailRefusals(env, partner, refused, now);
	return { added, rejected: refused.map((r) => r.id), waiting };
}

/**
 * A new delivery's parts, each once: the same part under two names (`.sync.1` and `.sync.1.gz`, or
 * `.sync.pgp` and `.sync`) would be applied twice. The first in listing order is kept, as late-parts.ts
 * keeps a late part's; the others are refused.
 */
function oncePerPart(id: string, objects: readonly PartObject[]): { once: PartObject[]; again: Refusal[] } {
	const once = new Map<number, PartObject>();
	const again: Refusal[] = [];
	for (const o of [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
		if (!once.has(o.split)) {
			once.set(o.split, o);
			continue;
		}
		const reason =
			o.split === 0
				? `delivery ${id} was sent twice in one pass; a delivery is processed once`
				: `part ${o.split} of delivery ${id} was sent twice in one pass`;
		again.push({ label: o.key.slice(o.key.lastIndexOf("/") + 1), reason, objects: [o] });
	}
	return { once: [...once.values()], again };
}

/** Records a new delivery, owned by the partner whose area it was found in. */
async function record(env: Env, owner: number, id: string, group: Group, now: number): Promise<string> {
	const files = group.objects.sort((a, b) => a.split - b.split).map((o) => o.key);
	const { targetDpid, kind, mode, timestampSeconds } = group.name;
	await insertDelivery(
		env.DB,
		{ id, dpid: owner, targetDpid, kind, mode, fileTimestampSeconds: timestampSeconds, files },
		now,
	);
	return id;
}

import { type InboundFileName, isFileNameError, parseInboundFileName } from "./parse";
import type { KnownDelivery } from "./queries";
import type { ListedObject, Refusal } from "./reject";
import { findDelivery, insertDelivery, joinPending } from "./store";

/**
 * Files found under the name of a delivery discovery already recorded (SPEC §5: a split part that
 * arrives after its delivery has started is applied and reported, never silently dropped):
 * - the delivery's own files wait for its workflow;
 * - a new split part joins the delivery while it is still pending, and otherwise becomes a delivery
 *   of its own, `<delivery id>.<split>`, applied after it with its own receipt;
 * - a file or part that was received before (a second upload) is refused: each is processed once.
 */

export type PartObject = ListedObject & { split: number };

/** A delivery's id ends in `.sync` or `.overwrite`, so a late part's id can be no other delivery's. */
export const lateDeliveryId = (deliveryId: string, split: number): string => `${deliveryId}.${split}`;

/** The split number a stored key's file name carries (0 for a file that is not a part). */
export function splitOfKey(key: string): number {
	const name = parseInboundFileName(key.slice(key.lastIndexOf("/") + 1));
	return isFileNameError(name) ? 0 : (name.split ?? 0);
}

/**
 * Why split `split` of `known` cannot be taken (it was received before), or null when it is new. `late`
 * is the delivery that part became, if any.
 */
export function receivedBefore(
	known: Pick<KnownDelivery, "id" | "files" | "status">,
	split: number | null,
	late?: unknown,
): string | null {
	if (split === null || split === 0) {
		return `delivery ${known.id} was already received (${known.status}); a delivery is processed once`;
	}
	if (late || known.files.some((key) => splitOfKey(key) === split)) {
		return `part ${split} of delivery ${known.id} was already received; a part is processed once`;
	}
	return null;
}

/** The late-part deliveries a pass must look up to judge `objects` of `known`. */
export function lateIdsOf(known: KnownDelivery, objects: readonly PartObject[]): string[] {
	const own = new Set(known.files);
	return objects.filter((o) => o.split > 0 && !own.has(o.key)).map((o) => lateDeliveryId(known.id, o.split));
}

export interface KnownOutcome {
	refusals: Refusal[];
	added: string[];
	waiting: string[];
}

/** What the files of one known delivery are, as one pass of discovery lists them. */
export interface KnownGroup {
	known: KnownDelivery;
	name: InboundFileName;
	objects: readonly PartObject[];
	/** The partner whose area the files are in: it owns a late part's delivery. */
	owner: number;
}

export async function judgeKnownDelivery(
	db: D1Database,
	{ known, name, objects, owner }: KnownGroup,
	lateKnown: ReadonlyMap<string, KnownDelivery>,
	now: number,
	settleMs: number,
): Promise<KnownOutcome> {
	const out: KnownOutcome = { refusals: [], added: [], waiting: [] };
	if (known.status === "rejected") {
		const reason = `${known.id} was refused before; send it under a new timestamp`;
		out.refusals.push({ label: known.id, reason, objects: [...objects] });
		return out;
	}
	const fresh = new Map<number, PartObject>();
	for (const o of objects) {
		const late = o.split > 0 ? lateKnown.get(lateDeliveryId(known.id, o.split)) : undefined;
		const owner = known.files.includes(o.key) ? known : late?.files.includes(o.key) ? late : undefined;
		// A file of a recorded delivery stays until that delivery's workflow moves it out.
		if (owner && owner.filesMovedAt === null) continue;
		const reason = owner
			? `delivery ${owner.id} was already received (${owner.status}); a delivery is processed once`
			: (receivedBefore(known, o.split, late) ??
				(fresh.has(o.split) ? `part ${o.split} of delivery ${known.id} was sent twice in one pass` : null));
		if (reason) out.refusals.push({ label: baseName(o.key), reason, objects: [o] });
		else if (now - o.uploaded < settleMs) out.waiting.push(lateDeliveryId(known.id, o.split));
		else fresh.set(o.split, o);
	}
	if (fresh.size === 0) return out;

	let parts = [...fresh.values()].sort((a, b) => a.split - b.split);
	if (known.status === "pending") {
		const files = [...known.files, ...parts.map((o) => o.key)].sort((a, b) => splitOfKey(a) - splitOfKey(b));
		if (await joinPending(db, known.id, known.files, files)) return out;
		// Another pass changed the delivery since it was read: it may have joined these very parts, and
		// only a claimed delivery makes a part late. Decide again from what is stored now.
		const stored = await findDelivery(db, known.id);
		if (!stored || stored.status === "pending") {
			out.waiting.push(...parts.map((o) => lateDeliveryId(known.id, o.split)));
			return out;
		}
		parts = parts.filter((o) => !stored.files.includes(o.key));
	}
	const { targetDpid, kind, mode, timestampSeconds } = name;
	for (const part of parts) {
		const id = lateDeliveryId(known.id, part.split);
		const late = {
			id,
			dpid: owner,
			targetDpid,
			kind,
			mode,
			fileTimestampSeconds: timestampSeconds,
			lateOf: known.id,
		};
		await insertDelivery(db, { ...late, files: [part.key] }, now);
		out.added.push(id);
	}
	return out;
}

function baseName(key: string): string {
	return key.slice(key.lastIndexOf("/") + 1);
}

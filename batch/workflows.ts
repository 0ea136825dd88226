/**
 * The ids of the four Workflows' instances, and starting an instance exactly once. An id is derived
 * from what its instance works on (an inbound delivery, an outbound run, a segment edit, a graph copy
 * started at a given millisecond), so starting the same work again names the same instance rather than
 * making a second one.
 */

/**
 * Instance ids allow [A-Za-z0-9_-] only, at most 100 characters; delivery ids are file names with dots.
 * An id that fits is the delivery id made safe (as always); a longer one keeps a readable start and
 * ends in a hash of the whole delivery id, since two deliveries of one partner may differ only in a
 * timestamp past the cut (and then one would adopt the other's instance and never be applied).
 */
export function inboundWorkflowId(deliveryId: string): string {
	const id = `inbound-${deliveryId.replace(/[^A-Za-z0-9_-]/g, "-")}`;
	return id.length <= 100 ? id : `${id.slice(0, 83)}-${fnv1a64(deliveryId)}`;
}

/** FNV-1a, 64 bits, as 16 hex digits: a stable, synchronous hash for ids (not for secrets). */
function fnv1a64(text: string): string {
	let hash = 0xcbf29ce484222325n;
	for (const byte of new TextEncoder().encode(text)) {
		hash ^= BigInt(byte);
		hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
	}
	return hash.toString(16).padStart(16, "0");
}

/** Run ids are `<destination id>-<timestamp13>`, already safe. */
export function outboundWorkflowId(runId: string): string {
	return `outbound-${runId}`;
}

/** One backfill per segment edit: two edits in the same millisecond share one. */
export function backfillWorkflowId(segmentId: number, updatedAt: number): string {
	return `segment-${segmentId}-${updatedAt}`;
}

/** A copy of the D1 graph into the shards, by its start time (Unix ms). */
export function graphCopyWorkflowId(startedAt: number): string {
	return `graph-copy-${startedAt}`;
}

/** What of a Workflow binding starting an instance needs. */
export type WorkflowStarter<P> = Pick<Workflow<P>, "create" | "get">;

/**
 * Creates instance `id` with `params`, or adopts the instance an interrupted start already created
 * (its create went through, but the caller failed or stopped before it could record that): that
 * instance carries on, and no second one is made. Any other failure to create is thrown.
 */
export async function createOrAdopt<P>(
	binding: WorkflowStarter<P>,
	id: string,
	params: P,
): Promise<"created" | "adopted"> {
	try {
		await binding.create({ id, params });
		return "created";
	} catch (err) {
		if (await exists(binding, id)) return "adopted";
		throw err;
	}
}

async function exists(binding: WorkflowStarter<unknown>, id: string): Promise<boolean> {
	try {
		await binding.get(id);
		return true;
	} catch {
		return false;
	}
}

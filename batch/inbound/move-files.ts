import { processedKey } from "../exchange-layout";
import { moveObject } from "./move-object";
import { loadDelivery, markFilesMoved } from "./store";

/**
 * Step: once a delivery is finished (receipt written, or given up), its files leave the partner's
 * inbound area for `work/processed/<DPID>/<delivery>/`, so discovery never lists them again and a file
 * uploaded later under one of their names is seen as the second upload it is. Idempotent: a retried
 * step finds the moved files gone and marks the delivery once.
 */
export async function moveDeliveryFiles(env: Env, deliveryId: string): Promise<{ moved: number }> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	if (delivery.filesMovedAt !== null) return { moved: 0 };
	let moved = 0;
	for (const key of delivery.files) {
		const outcome = await moveObject(env.EXCHANGE, key, processedKey(delivery.dpid, deliveryId, key));
		if (outcome === "moved") moved++;
	}
	await markFilesMoved(env.DB, deliveryId, Date.now());
	return { moved };
}

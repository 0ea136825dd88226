import { settingsOf } from "../../core/config/settings";
import { fail } from "../http/errors";
import { clientKey } from "../http/rate-limit";

/**
 * Refuses a sync call (429) when its client address (an IPv6 client by its /64) or its visitor has made
 * too many this minute. Both counters are checked together so the hot path waits for one round of
 * lookups, not two.
 */
export async function enforceSyncLimits(env: Env, ip: string | undefined, uuid: string | null): Promise<void> {
	// Off only for deployments that limit in front of the Worker (WAF rate limiting rules) and for the
	// benchmark that separates the local simulation of the binding from the edge's own cost.
	if (!settingsOf(env).ibsRateLimits) return;
	const client = clientKey(ip);
	const [byIp, byUuid] = await Promise.all([
		client ? env.IBS_PER_IP.limit({ key: client }) : { success: true },
		uuid ? env.IBS_PER_UUID.limit({ key: uuid }) : { success: true },
	]);
	if (!byIp.success) fail(429, "too many sync calls from this address; slow down");
	if (!byUuid.success) fail(429, "too many sync calls for this visitor; slow down");
}

// The admin API of an edge started by the harness (scripts/lib/wrangler-dev.ts), with its token.
import { DEV_SECRETS } from "../../scripts/lib/wrangler-dev.ts";

/** An admin API call; throws on anything but 2xx. */
export async function admin<T>(origin: string, path: string, init: RequestInit = {}): Promise<T> {
	const res = await fetch(`${origin}/api/v1${path}`, {
		...init,
		headers: { Authorization: `Bearer ${DEV_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
	});
	if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

// The admin API of an edge started by the harness (scripts/lib/wrangler-dev.ts), with its token.
import { DEV_SECRETS } from "../../scripts/lib/wrangler-dev.ts";
import { launch } from "./proc.ts";

/** An admin API call; throws on anything but 2xx. */
export async function admin<T>(origin: string, path: string, init: RequestInit = {}): Promise<T> {
	const res = await fetch(`${origin}/api/v1${path}`, {
		...init,
		headers: { Authorization: `Bearer ${DEV_SECRETS.ADMIN_TOKEN}`, "Content-Type": "application/json" },
	});
	if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

/**
 * An admin POST whose answer may wait longer than fetch's 5-minute header timeout: locally the answer
 * waits until the Workflow it started lets the one workerd thread go (a 1M-member graph copy, a
 * 10M-member run's plan). curl waits as long as it takes.
 */
export async function adminPostPatiently<T>(origin: string, path: string, body: unknown): Promise<T> {
	// Not blocking this process: the heap samplers (bench/lib/heap.ts, v8-cage.ts) read on its timers.
	const answer = await launch("curl", [
		"-sS",
		"--fail-with-body",
		"--max-time",
		"3600",
		"-X",
		"POST",
		"-H",
		`Authorization: Bearer ${DEV_SECRETS.ADMIN_TOKEN}`,
		"-H",
		"Content-Type: application/json",
		"--data",
		JSON.stringify(body),
		`${origin}/api/v1${path}`,
	]);
	return JSON.parse(answer) as T;
}

/** An admin GET polled while long steps may hold the local thread: a slow answer is asked again. */
export function adminPoll<T>(origin: string, path: string): Promise<T | undefined> {
	return admin<T>(origin, path, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
}

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../../worker";

export const EDGE = "https://edge.example";

/** Sends a request through the Worker's real fetch handler. */
export function call(path: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (init.cookie) headers.set("Cookie", init.cookie);
	return exports.default.fetch(`${EDGE}${path}`, { ...init, headers, redirect: "manual" });
}

/** The `uuid` cookie a response sets, with its attributes, or null. */
export function uuidCookie(res: Response): string | null {
	return res.headers.getSetCookie().find((c) => c.startsWith("uuid=")) ?? null;
}

export function uuidFrom(res: Response): string | null {
	return uuidCookie(res)?.match(/^uuid=([^;]*)/)?.[1] ?? null;
}

/** Sends a request through the Worker with some configuration vars changed (a different deployment). */
export async function callWith(vars: Partial<Env>, path: string, init: RequestInit & { cookie?: string } = {}) {
	const headers = new Headers(init.headers);
	if (init.cookie) headers.set("Cookie", init.cookie);
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request(`${EDGE}${path}`, { ...init, headers, redirect: "manual" }),
		{ ...env, ...vars },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

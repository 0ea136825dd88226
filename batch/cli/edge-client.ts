import type { CliHost } from "./host";

/** Where the edge is and the partner key to use: from the environment only (never argv, which `ps` shows). */
export const EDGE_URL_VARIABLE = "EDGESYNC_URL";
export const PARTNER_KEY_VARIABLE = "EDGESYNC_KEY";

/** A refusal or failure worth its own exit code: `exitCode` says which (see run.ts EXIT_CODES). */
export class CliFailure extends Error {
	/** True when the command's help should follow the message (a mistake in the arguments). */
	usage = false;
	readonly exitCode: number;
	constructor(message: string, exitCode: number) {
		super(message);
		this.exitCode = exitCode;
	}
}

/** Exit codes shared by the commands; each command's help says which it uses. */
export const EXIT = {
	ok: 0,
	/** The data has a problem: lines skipped (validate), records failed (receipt), a mismatch (verify). */
	dataProblem: 1,
	/** Bad arguments, a file that cannot be used, or the edge refused the request (4xx). */
	refused: 2,
	/** The delivery was rejected or failed as a whole (receipt). */
	rejected: 3,
	/** Still not finished when --timeout ran out (receipt). */
	pending: 4,
	/** The edge could not be reached, answered 5xx or 429: try again later. */
	unavailable: 5,
} as const;

export interface EdgeClient {
	origin: string;
	/** Sends a request with the partner key; a non-2xx answer other than those in `expected` throws a CliFailure. */
	call(path: string, init?: RequestInit, expected?: readonly number[]): Promise<Response>;
}

export function edgeClient(host: CliHost, edgeFlag: string | undefined): EdgeClient {
	const origin = (edgeFlag ?? host.env?.(EDGE_URL_VARIABLE) ?? "").replace(/\/+$/, "");
	if (!/^https?:\/\/[^/]+$/.test(origin)) {
		throw new CliFailure(
			`give the edge's origin with --edge or ${EDGE_URL_VARIABLE} (https://edge.example)`,
			EXIT.refused,
		);
	}
	const key = host.env?.(PARTNER_KEY_VARIABLE);
	if (!key) throw new CliFailure(`set ${PARTNER_KEY_VARIABLE} to your partner key`, EXIT.refused);
	return {
		origin,
		async call(path, init = {}, expected = []) {
			const headers = new Headers(init.headers);
			headers.set("Authorization", `Bearer ${key}`);
			let res: Response;
			try {
				res = await fetch(`${origin}${path}`, { ...init, headers });
			} catch (err) {
				const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
				throw new CliFailure(`cannot reach ${origin}: ${why}`, EXIT.unavailable);
			}
			if (res.ok || expected.includes(res.status)) return res;
			const reason = await res
				.json()
				.then((body) => (body as { error?: unknown }).error)
				.catch(() => undefined);
			const said = typeof reason === "string" ? reason : res.statusText;
			const temporary = res.status >= 500 || res.status === 429;
			throw new CliFailure(`the edge answered ${res.status}: ${said}`, temporary ? EXIT.unavailable : EXIT.refused);
		},
	};
}

/** The partner a key acts for (`GET /api/v1/partner/whoami`). */
export async function whoami(edge: EdgeClient): Promise<number> {
	const body = (await (await edge.call("/api/v1/partner/whoami")).json()) as { dpid?: unknown };
	if (typeof body.dpid !== "number") throw new CliFailure("the edge's whoami answer has no DPID", EXIT.unavailable);
	return body.dpid;
}

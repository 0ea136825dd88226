import { NonRetryableError } from "cloudflare:workflows";
import { DELIVERY_SECRET_PREFIX, isDeliverySecretName } from "../destination";
import { publicUrlProblem } from "../public-url";

/** The files of one run in delivery order: data files first, the .info control file last. */
export interface Shipment {
	dpid: number;
	files: ReadonlyArray<{ name: string; md5: string | null }>;
}

/**
 * A delivery secret from the Worker's secrets, by the name the destination gives. Only names reserved
 * for delivery secrets are read (a destination saved before the rule could name ADMIN_TOKEN); a wrong
 * name or a missing secret is a setup error that retrying cannot fix, so it fails the delivery at once.
 */
export function secretNamed(env: Env, name: string): string {
	if (!isDeliverySecretName(name)) {
		throw new NonRetryableError(
			`${name} is not a delivery secret: a destination may only name Worker secrets starting with ${DELIVERY_SECRET_PREFIX} (put the value under such a name and update the destination)`,
		);
	}
	const value: unknown = Reflect.get(env, name);
	if (typeof value !== "string" || value === "") {
		throw new NonRetryableError(`Worker secret ${name} is not set (wrangler secret put ${name})`);
	}
	return value;
}

/**
 * Refuses, before anything is sent, an endpoint that is not a public https host (a destination saved
 * before the rule, or edited in D1 by hand): retrying cannot fix it.
 */
export function assertPublicEndpoint(target: string, url: string): void {
	const problem = publicUrlProblem(url);
	if (problem) throw new NonRetryableError(`${target} ${url} is refused: ${problem}`);
}

/**
 * Turns a refused upload into an error: 3xx (a redirect is not followed) and 4xx answers (other than 408
 * and 429) mean the request itself is wrong — bad credentials, no such bucket, a moved endpoint — and
 * are not retried; 5xx, 408, 429 and timeouts are.
 */
export function refusal(target: string, file: string, status: number, detail: string): Error {
	const message = `${target} refused ${file}: HTTP ${status}${detail ? ` ${detail}` : ""}`;
	const permanent = status >= 300 && status < 500 && status !== 408 && status !== 429;
	return permanent ? new NonRetryableError(message) : new Error(message);
}

/** Bytes of a refusal's body read for the run record; the rest is never read. */
export const ANSWER_READ_BYTES = 4_096;

/**
 * What an endpoint said, trimmed for the run record (enough to see "SignatureDoesNotMatch"). Reads at
 * most ANSWER_READ_BYTES of the body and then cancels it: a partner's server decides how long its
 * error answer is, and a huge or never-ending one must cost neither memory nor the step's time.
 */
export async function answerDetail(response: Response): Promise<string> {
	const reader = response.body?.getReader();
	if (!reader) return "";
	const decoder = new TextDecoder();
	let text = "";
	let read = 0;
	try {
		while (read < ANSWER_READ_BYTES) {
			const { done, value } = await reader.read();
			if (done) break;
			const part = value.subarray(0, ANSWER_READ_BYTES - read);
			read += part.length;
			text += decoder.decode(part, { stream: true });
		}
	} catch {
		// A body that fails midway still leaves what was read.
	} finally {
		await reader.cancel().catch(() => undefined);
	}
	return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/** RFC 1864 Content-MD5: base64 of the digest bytes. */
export function contentMd5(hex: string): string {
	const bytes = hex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? [];
	return btoa(String.fromCharCode(...bytes));
}

export async function exchangeObject(env: Env, key: string): Promise<R2ObjectBody> {
	const object = await env.EXCHANGE.get(key);
	if (!object) throw new Error(`${key} is missing from the exchange bucket`);
	return object;
}

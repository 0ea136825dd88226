import { NonRetryableError } from "cloudflare:workflows";

/**
 * Turns a refused upload into an error: 3xx (a redirect is not followed) and 4xx answers (other than 408
 * and 429) mean the request itself is wrong — bad credentials, no such bucket, a moved endpoint — and
 * are not retried; 5xx, 408, 429 and timeouts are (by the workflow step that sends).
 */
export function refusal(label: string, file: string, status: number, detail: string): Error {
	const message = `${label} refused ${file}: HTTP ${status}${detail ? ` ${detail}` : ""}`;
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

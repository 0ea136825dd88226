import { base64, fromHex } from "../../../core/encoding";
import { answerDetail, refusal } from "./refusal";

/** One file of a run as it is sent: its name for the partner, where it is in R2, its MD5 (hex) if known. */
export interface FileToSend {
	name: string;
	key: string;
	md5: string | null;
}

/** What the loop hands a transport for one file: the body streamed from R2 and the common request options. */
export interface Outgoing {
	headers: Headers;
	body: ReadableStream;
	/**
	 * A streamed body cannot be replayed to another URL, and a secret must not follow a redirect to a
	 * host nobody configured: a 3xx is a refusal.
	 */
	redirect: "manual";
	signal: AbortSignal;
}

/** The part of sending that differs per target: where one file goes and how the request is made. */
export interface Transport {
	/** Names the target in errors: "HTTPS endpoint", "S3 bucket". */
	label: string;
	send(file: FileToSend, outgoing: Outgoing): Promise<Response>;
}

/**
 * Sends each file in order, streamed from R2, with Content-Type and Content-MD5, each request bounded by
 * `timeoutMs`. Any refusal or timeout fails the whole send (the workflow step retries it from the first
 * file, within bounds), so a partner never gets a run reported sent that it lacks.
 */
export async function sendFiles(
	bucket: R2Bucket,
	transport: Transport,
	files: readonly FileToSend[],
	timeoutMs: number,
): Promise<number> {
	for (const file of files) {
		const object = await bucket.get(file.key);
		if (!object) throw new Error(`${file.key} is missing from the exchange bucket`);
		const headers = new Headers({ "content-type": object.httpMetadata?.contentType ?? "application/octet-stream" });
		if (file.md5) headers.set("content-md5", contentMd5(file.md5));
		const response = await transport.send(file, {
			headers,
			body: object.body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (!response.ok) throw refusal(transport.label, file.name, response.status, await answerDetail(response));
		await response.body?.cancel();
	}
	return files.length;
}

/** RFC 1864 Content-MD5: base64 of the digest bytes. */
export function contentMd5(md5Hex: string): string {
	return base64(fromHex(md5Hex));
}

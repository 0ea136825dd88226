import type { Destination } from "../destination";
import { outboundKey } from "../runs/naming";
import {
	answerDetail,
	assertPublicEndpoint,
	contentMd5,
	exchangeObject,
	refusal,
	type Shipment,
	secretNamed,
} from "./target";

type HttpsDelivery = NonNullable<Destination["delivery"]["https"]>;

/**
 * POSTs each file, streamed from R2, to the partner's URL with the secret header, the file name in
 * `X-Edgesync-File` and `Content-MD5`. Any refusal or timeout fails the whole shipment (the caller
 * retries it from the first file), so a partner never gets a run reported delivered that it lacks.
 */
export async function deliverHttps(
	env: Env,
	config: HttpsDelivery,
	shipment: Shipment,
	timeoutMs: number,
): Promise<number> {
	assertPublicEndpoint("HTTPS endpoint", config.url);
	const secret = secretNamed(env, config.secretBinding);
	for (const file of shipment.files) {
		const object = await exchangeObject(env, outboundKey(shipment.dpid, file.name));
		const headers = new Headers({
			"content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
			"x-edgesync-file": file.name,
		});
		if (file.md5) headers.set("content-md5", contentMd5(file.md5));
		headers.set(config.secretHeader, secret);
		const response = await fetch(config.url, {
			method: "POST",
			headers,
			body: object.body,
			// A streamed body cannot be replayed to another URL, and our secret header must not follow a
			// redirect to a host nobody configured: a 3xx is a refusal.
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (!response.ok) throw refusal("HTTPS endpoint", file.name, response.status, await answerDetail(response));
		await response.body?.cancel();
	}
	return shipment.files.length;
}

import { AwsClient } from "aws4fetch";
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

type S3Delivery = NonNullable<Destination["delivery"]["s3"]>;

/**
 * PUTs each file, streamed from R2, into an S3-compatible bucket (path-style URL, SigV4 by aws4fetch
 * with an unsigned payload so the body can stream). Retries belong to the workflow step, not aws4fetch.
 */
export async function deliverS3(env: Env, config: S3Delivery, shipment: Shipment, timeoutMs: number): Promise<number> {
	assertPublicEndpoint("S3 endpoint", config.endpoint);
	const client = new AwsClient({
		accessKeyId: secretNamed(env, config.accessKeyBinding),
		secretAccessKey: secretNamed(env, config.secretKeyBinding),
		service: "s3",
		region: config.region,
		retries: 0,
	});
	for (const file of shipment.files) {
		const object = await exchangeObject(env, outboundKey(shipment.dpid, file.name));
		const headers = new Headers({ "content-type": object.httpMetadata?.contentType ?? "application/octet-stream" });
		if (file.md5) headers.set("content-md5", contentMd5(file.md5));
		const response = await client.fetch(objectUrl(config, file.name), {
			method: "PUT",
			headers,
			body: object.body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (!response.ok) throw refusal("S3 bucket", file.name, response.status, await answerDetail(response));
		await response.body?.cancel();
	}
	return shipment.files.length;
}

export function objectUrl(config: S3Delivery, name: string): string {
	const key = `${config.prefix}${name}`.split("/").map(encodeURIComponent).join("/");
	return `${config.endpoint.replace(/\/+$/, "")}/${config.bucket}/${key}`;
}

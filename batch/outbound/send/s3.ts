import { AwsClient } from "aws4fetch";
import type { S3Target } from "../destinations/schema";
import { assertPublicEndpoint, secretNamed } from "./checks";
import type { Transport } from "./loop";

/**
 * PUTs each file into an S3-compatible bucket (path-style URL, SigV4 by aws4fetch with an unsigned
 * payload so the body can stream). Retries belong to the workflow step, not aws4fetch.
 */
export function s3Transport(env: Env, target: S3Target): Transport {
	assertPublicEndpoint("S3 endpoint", target.endpoint);
	const client = new AwsClient({
		accessKeyId: secretNamed(env, target.accessKeyBinding),
		secretAccessKey: secretNamed(env, target.secretKeyBinding),
		service: "s3",
		region: target.region,
		retries: 0,
	});
	return {
		label: "S3 bucket",
		send: (file, outgoing) => client.fetch(objectUrl(target, file.name), { method: "PUT", ...outgoing }),
	};
}

export function objectUrl(target: S3Target, name: string): string {
	const key = `${target.prefix}${name}`.split("/").map(encodeURIComponent).join("/");
	return `${target.endpoint.replace(/\/+$/, "")}/${target.bucket}/${key}`;
}

import { secretsOf } from "../../../core/config/secrets";
import { hmacSha256, secretsEqual } from "../../../core/crypto";
import { base64url } from "../../../core/encoding";
import { fail } from "../../http/errors";

/**
 * The upload id a partner is given: R2's id with a MAC over the key it was created for
 * (`<DPID>/inbound/<name>`). R2 alone does not reliably refuse an id used under another key (the local
 * R2 fails completing one with an internal error), so the edge never hands R2 an id it did not issue for
 * this very key: another partner's id, or one for another name, is an upload that does not exist.
 */
const PURPOSE = "edgesync multipart upload";

async function macOf(env: Env, key: string, r2UploadId: string): Promise<string> {
	return base64url(await hmacSha256(secretsOf(env).sessionSecret, PURPOSE, `${key}\0${r2UploadId}`));
}

export async function issueUploadId(env: Env, key: string, r2UploadId: string): Promise<string> {
	return `${r2UploadId}.${await macOf(env, key, r2UploadId)}`;
}

/** R2's id inside `uploadId`, if the edge issued it for `key`; 404 otherwise. */
export async function r2UploadIdFor(env: Env, key: string, uploadId: string): Promise<string> {
	const dot = uploadId.lastIndexOf(".");
	const r2UploadId = uploadId.slice(0, dot);
	if (dot <= 0 || !(await secretsEqual(uploadId.slice(dot + 1), await macOf(env, key, r2UploadId)))) {
		fail(404, "no such upload (finished, aborted, or never begun under this name)");
	}
	return r2UploadId;
}

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

/** The upload a partner's id names: R2's id, and the token the finished file carries (`upload` metadata). */
export interface IssuedUpload {
	r2UploadId: string;
	token: string;
}

/** A token for a new upload: the finished object carries it, so a repeated completion can be recognised. */
export function newUploadToken(): string {
	return base64url(crypto.getRandomValues(new Uint8Array(12)));
}

async function macOf(env: Env, key: string, upload: IssuedUpload): Promise<string> {
	const message = `${key}\0${upload.r2UploadId}\0${upload.token}`;
	return base64url(await hmacSha256(secretsOf(env).sessionSecret, PURPOSE, message));
}

export async function issueUploadId(env: Env, key: string, upload: IssuedUpload): Promise<string> {
	return `${upload.r2UploadId}.${upload.token}.${await macOf(env, key, upload)}`;
}

/** The upload inside `uploadId`, if the edge issued it for `key`; 404 otherwise. */
export async function issuedUploadFor(env: Env, key: string, uploadId: string): Promise<IssuedUpload> {
	const macAt = uploadId.lastIndexOf(".");
	const tokenAt = uploadId.lastIndexOf(".", macAt - 1);
	const upload = { r2UploadId: uploadId.slice(0, tokenAt), token: uploadId.slice(tokenAt + 1, macAt) };
	const issued = tokenAt > 0 && (await secretsEqual(uploadId.slice(macAt + 1), await macOf(env, key, upload)));
	if (!issued) fail(404, "no such upload (finished, aborted, or never begun under this name)");
	return upload;
}

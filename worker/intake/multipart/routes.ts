import { Hono } from "hono";
import { z } from "zod";
import { inboundKey } from "../../../batch/exchange-layout";
import { UPLOAD_PARTS } from "../../../core/inbound-limits";
import { requirePartner } from "../../auth/middleware";
import { fail } from "../../http/errors";
import { enforceLimit } from "../../http/rate-limit";
import type { AppContext, AppEnv } from "../../http/types";
import { checkNewUpload, refuseDuplicate, refuseReceivedBefore } from "../new-upload";
import { r2Refusal } from "./r2-refusal";
import { type IssuedUpload, issuedUploadFor, issueUploadId, newUploadToken } from "./upload-id";

/**
 * A file too large for one request body, uploaded in parts with R2's multipart API:
 *
 * - `POST   /exchange/uploads/<name>`                    the checks of a whole upload; → `{ uploadId, … }`
 * - `PUT    /exchange/uploads/<name>?uploadId=…&part=N`  one part (N from 1) → `{ part, etag }`
 * - `POST   /exchange/uploads/<name>/complete?uploadId=…` `{ parts: [{ part, etag }] }` → the file
 * - `DELETE /exchange/uploads/<name>?uploadId=…`           drops the parts
 *
 * An upload id is only ever used with the key `<own DPID>/inbound/<name>`, and carries a MAC over that
 * key (upload-id.ts): another partner's upload id, or one begun for another name, is an upload that does
 * not exist (404), so no partner can add to, finish or drop another's.
 */
export const multipartRoutes = new Hono<AppEnv>();

multipartRoutes.use("/exchange/uploads/*", requirePartner);

multipartRoutes.post("/exchange/uploads/:name", async (c) => {
	const name = c.req.param("name");
	const key = await checkNewUpload(c, name);
	const token = newUploadToken();
	const upload = await c.env.EXCHANGE.createMultipartUpload(key, {
		customMetadata: { uploadedBy: String(c.get("partnerDpid")), upload: token },
	});
	const uploadId = await issueUploadId(c.env, key, { r2UploadId: upload.uploadId, token });
	return c.json({ key, uploadId, ...UPLOAD_PARTS }, 201);
});

multipartRoutes.put("/exchange/uploads/:name", async (c) => {
	const { key, upload: issued } = await ongoing(c);
	const part = Number(c.req.query("part"));
	if (!Number.isInteger(part) || part < 1 || part > UPLOAD_PARTS.maxParts) {
		fail(400, `part is a number from 1 to ${UPLOAD_PARTS.maxParts}`);
	}
	const length = Number(c.req.header("Content-Length") ?? Number.NaN);
	if (!Number.isSafeInteger(length)) fail(411, "send a Content-Length");
	if (length === 0) fail(400, "empty part");
	if (length > UPLOAD_PARTS.maxPartBytes) fail(413, `a part is at most ${UPLOAD_PARTS.maxPartBytes} bytes`);
	const body = c.req.raw.body;
	if (!body) fail(400, "empty part");
	const uploaded = await c.env.EXCHANGE.resumeMultipartUpload(key, issued.r2UploadId)
		.uploadPart(part, body)
		.catch((err: unknown) => r2Refusal(err));
	return c.json({ part: uploaded.partNumber, etag: uploaded.etag }, 200);
});

const MAX_COMPLETION_BYTES = 256 * 1024;

const Completion = z
	.object({
		parts: z
			.array(z.object({ part: z.number().int().min(1).max(UPLOAD_PARTS.maxParts), etag: z.string().min(1).max(200) }))
			.min(1)
			.max(UPLOAD_PARTS.maxParts),
	})
	.strict();

multipartRoutes.post("/exchange/uploads/:name/complete", async (c) => {
	const { key, name, upload: issued } = await ongoing(c);
	// 1,000 parts of `{ part, etag }` are about 100 KB; nothing larger is read.
	const length = Number(c.req.header("Content-Length") ?? Number.NaN);
	if (!Number.isSafeInteger(length)) fail(411, "send a Content-Length");
	if (length > MAX_COMPLETION_BYTES) fail(413, `a completion is at most ${MAX_COMPLETION_BYTES} bytes`);
	const input = Completion.safeParse(await c.req.json().catch(() => null));
	if (!input.success) fail(400, `expected { parts: [{ part, etag }, …] }: ${z.prettifyError(input.error)}`);
	// This very upload completed before, and its answer was lost on the way: the same answer again.
	const existing = await c.env.EXCHANGE.head(key);
	if (existing?.customMetadata?.upload === issued.token) {
		return c.json({ key, size: existing.size, etag: existing.etag }, 201);
	}
	const upload = c.env.EXCHANGE.resumeMultipartUpload(key, issued.r2UploadId);
	// Another upload of the same name may have finished (or been applied) since this one started: its
	// parts are dropped, as nothing can complete them any more.
	await Promise.all([refuseDuplicate(c, key, name), refuseReceivedBefore(c, name)]).catch(async (err: unknown) => {
		await upload.abort().catch(() => {});
		throw err;
	});
	const parts = input.data.parts.map((p) => ({ partNumber: p.part, etag: p.etag }));
	const stored = await upload.complete(parts).catch((err: unknown) => r2Refusal(err));
	if (stored.size > UPLOAD_PARTS.maxFileBytes) {
		await c.env.EXCHANGE.delete(key);
		fail(413, `larger than ${UPLOAD_PARTS.maxFileBytes} bytes: split the file`);
	}
	return c.json({ key, size: stored.size, etag: stored.etag }, 201);
});

multipartRoutes.delete("/exchange/uploads/:name", async (c) => {
	const { key, upload: issued } = await ongoing(c);
	await c.env.EXCHANGE.resumeMultipartUpload(key, issued.r2UploadId)
		.abort()
		.catch((err: unknown) => r2Refusal(err));
	return c.body(null, 204);
});

/** The upload a part, completion or abort names, under the caller's own prefix; counted per partner. */
async function ongoing(c: AppContext): Promise<{ key: string; name: string; upload: IssuedUpload }> {
	const dpid = c.get("partnerDpid");
	await enforceLimit(
		c.env.UPLOAD_PARTS_PER_PARTNER,
		`dpid:${dpid}`,
		`too many upload parts for DPID ${dpid}; try again in a minute`,
	);
	const uploadId = c.req.query("uploadId") ?? "";
	if (uploadId === "" || uploadId.length > 1024) fail(400, "uploadId is the id POST /exchange/uploads/<name> gave");
	const name = c.req.param("name") ?? "";
	// The name was checked when the upload began, and the id is bound to it (upload-id.ts).
	if (name === "" || name.includes("/")) fail(400, "bad file name");
	const key = inboundKey(dpid, name);
	return { key, name, upload: await issuedUploadFor(c.env, key, uploadId) };
}

import { Hono } from "hono";
import { requirePartner } from "../auth/middleware";
import { fail } from "../http/errors";
import type { AppEnv } from "../http/types";
import { checkNewUpload } from "./new-upload";
/**
 * Largest file accepted through the edge. Workers take request bodies up to 100 MB on most plans;
 * larger ones in parts (multipart/routes.ts) or with R2's S3-compatible API (docs/vendors.md).
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** `PUT /exchange/inbound/<file name>` with a partner key: streams the file into `<DPID>/inbound/`. */
export const intakeRoutes = new Hono<AppEnv>();

intakeRoutes.put("/exchange/inbound/:name", requirePartner, async (c) => {
	const name = c.req.param("name");
	const key = await checkNewUpload(c, name);
	const length = Number(c.req.header("Content-Length") ?? Number.NaN);
	if (!Number.isSafeInteger(length)) fail(411, "send a Content-Length (or upload large files in parts)");
	if (length === 0) fail(400, "empty file");
	if (length > MAX_UPLOAD_BYTES)
		fail(413, `larger than ${MAX_UPLOAD_BYTES} bytes: upload it in parts (POST /exchange/uploads/…)`);
	const body = c.req.raw.body;
	if (!body) fail(400, "empty file");
	const stored = await c.env.EXCHANGE.put(key, body, { customMetadata: { uploadedBy: String(c.get("partnerDpid")) } });
	return c.json({ key, size: stored?.size ?? length, etag: stored?.etag }, 201);
});

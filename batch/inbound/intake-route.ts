import { Hono } from "hono";
import { requirePartner } from "../../worker/auth/middleware";
import { fail } from "../../worker/http/errors";
import type { AppEnv } from "../../worker/http/types";
import { INBOUND_PREFIX } from "./discover";
import { isFileNameError, parseInboundFileName } from "./parse";

/**
 * Largest file accepted through the edge. Workers take request bodies up to 100 MB on most plans;
 * larger deliveries go straight to the bucket with R2's S3-compatible API (docs/vendors.md).
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** `PUT /exchange/inbound/<file name>` with a partner key: streams the file into `inbound/`. */
export const intakeRoutes = new Hono<AppEnv>();

intakeRoutes.put("/exchange/inbound/:name", requirePartner, async (c) => {
	const name = c.req.param("name");
	const parsed = parseInboundFileName(name);
	if (isFileNameError(parsed)) fail(400, `bad file name: ${parsed.error}`);
	if (parsed.dpid !== c.get("partnerDpid")) fail(403, `this key may only upload files of DPID ${c.get("partnerDpid")}`);
	const length = Number(c.req.header("Content-Length") ?? Number.NaN);
	if (!Number.isSafeInteger(length)) fail(411, "send a Content-Length (or upload large files with the S3 API)");
	if (length === 0) fail(400, "empty file");
	if (length > MAX_UPLOAD_BYTES) fail(413, `larger than ${MAX_UPLOAD_BYTES} bytes: upload it with the S3 API`);
	const key = `${INBOUND_PREFIX}${name}`;
	// A delivery is processed once; a second upload under the same name is refused, not merged.
	if (await c.env.EXCHANGE.head(key)) fail(409, `${name} was already uploaded`);
	const body = c.req.raw.body;
	if (!body) fail(400, "empty file");
	const stored = await c.env.EXCHANGE.put(key, body, {
		customMetadata: { uploadedBy: String(c.get("partnerDpid")) },
	});
	return c.json({ key, size: stored?.size ?? length, etag: stored?.etag }, 201);
});

import { Hono } from "hono";
import { inboundKey } from "../../batch/exchange-layout";
import { deliveryIdOf } from "../../batch/inbound/delivery";
import { lateDeliveryId, receivedBefore } from "../../batch/inbound/late-parts";
import { isFileNameError, parseInboundFileName } from "../../batch/inbound/parse";
import { findDelivery } from "../../batch/inbound/store";
import { inboundPgpSecretsOf } from "../../core/config/inbound-pgp";
import { grantedSources, refusedSource } from "../../core/grants/access";
import { requirePartner } from "../auth/middleware";
import { fail } from "../http/errors";
import { enforceLimit } from "../http/rate-limit";
import type { AppEnv } from "../http/types";

/**
 * Largest file accepted through the edge. Workers take request bodies up to 100 MB on most plans;
 * larger deliveries go straight to the bucket with R2's S3-compatible API (docs/vendors.md).
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** `PUT /exchange/inbound/<file name>` with a partner key: streams the file into `<DPID>/inbound/`. */
export const intakeRoutes = new Hono<AppEnv>();

intakeRoutes.put("/exchange/inbound/:name", requirePartner, async (c) => {
	const dpid = c.get("partnerDpid");
	// Counted before anything else, so refused uploads use up the allowance too.
	await enforceLimit(
		c.env.UPLOADS_PER_PARTNER,
		`dpid:${dpid}`,
		`too many uploads for DPID ${dpid}; try again in a minute`,
	);
	const name = c.req.param("name");
	const parsed = parseInboundFileName(name);
	if (isFileNameError(parsed)) fail(400, `bad file name: ${parsed.error}`);
	// Checked before anything that looks at stored files, so the answer never depends on another
	// partner's deliveries.
	const refused = refusedSource(dpid, await grantedSources(c.env.DB, dpid), parsed);
	if (refused) fail(403, refused);
	// Said at once rather than in a receipt later: without the operator's key no encrypted file is read.
	if (parsed.pgp && !inboundPgpSecretsOf(c.env)) {
		fail(
			400,
			"this edge takes no PGP-encrypted files: its operator has configured no private key (INBOUND_PGP_PRIVATE_KEY); send the file unencrypted",
		);
	}
	const length = Number(c.req.header("Content-Length") ?? Number.NaN);
	if (!Number.isSafeInteger(length)) fail(411, "send a Content-Length (or upload large files with the S3 API)");
	if (length === 0) fail(400, "empty file");
	if (length > MAX_UPLOAD_BYTES) fail(413, `larger than ${MAX_UPLOAD_BYTES} bytes: upload it with the S3 API`);
	const key = inboundKey(dpid, name);
	// A delivery is processed once; a second upload under the same name is refused, not merged. A split
	// part its delivery has not seen is taken even after the delivery started: it is applied on its own.
	if (await c.env.EXCHANGE.head(key)) fail(409, `${name} was already uploaded`);
	const known = await findDelivery(c.env.DB, deliveryIdOf(parsed, dpid));
	if (known && known.status !== "rejected") {
		const late = parsed.split === null ? null : await findDelivery(c.env.DB, lateDeliveryId(known.id, parsed.split));
		const before = receivedBefore(known, parsed.split, late);
		if (before) fail(409, before);
	}
	const body = c.req.raw.body;
	if (!body) fail(400, "empty file");
	const stored = await c.env.EXCHANGE.put(key, body, { customMetadata: { uploadedBy: String(dpid) } });
	return c.json({ key, size: stored?.size ?? length, etag: stored?.etag }, 201);
});

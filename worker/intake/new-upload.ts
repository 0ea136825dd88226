import { inboundKey } from "../../batch/exchange-layout";
import { deliveryIdOf } from "../../batch/inbound/delivery";
import { lateDeliveryId, receivedBefore } from "../../batch/inbound/late-parts";
import { isFileNameError, parseInboundFileName } from "../../batch/inbound/parse";
import { findDelivery } from "../../batch/inbound/store";
import { inboundPgpSecretsOf } from "../../core/config/inbound-pgp";
import { grantedSources, refusedSource } from "../../core/grants/access";
import { fail } from "../http/errors";
import { enforceLimit } from "../http/rate-limit";
import type { AppContext } from "../http/types";

/**
 * What every new upload passes, whole (`PUT /exchange/inbound/…`) or in parts (`POST /exchange/uploads/…`):
 * the partner's upload allowance, the file name, the data sources it names being granted, PGP being
 * configured for an encrypted file, and the file being new. Returns the key the file will have.
 */
export async function checkNewUpload(c: AppContext, name: string): Promise<string> {
	const dpid = c.get("partnerDpid");
	// Counted before anything else, so refused uploads use up the allowance too.
	await enforceLimit(
		c.env.UPLOADS_PER_PARTNER,
		`dpid:${dpid}`,
		`too many uploads for DPID ${dpid}; try again in a minute`,
	);
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
	const key = inboundKey(dpid, name);
	await refuseDuplicate(c, key, name);
	await refuseReceivedBefore(c, name);
	return key;
}

/**
 * 409 when the file was received before: a delivery is processed once, and a second upload under the
 * same name is refused, not merged. A split part its delivery has not seen is taken even after the
 * delivery started: it is applied on its own. (The name was checked already; an unparsable one passes.)
 */
export async function refuseReceivedBefore(c: AppContext, name: string): Promise<void> {
	const parsed = parseInboundFileName(name);
	if (isFileNameError(parsed)) return;
	const known = await findDelivery(c.env.DB, deliveryIdOf(parsed, c.get("partnerDpid")));
	if (known && known.status !== "rejected") {
		const late = parsed.split === null ? null : await findDelivery(c.env.DB, lateDeliveryId(known.id, parsed.split));
		const before = receivedBefore(known, parsed.split, late);
		if (before) fail(409, before);
	}
}

/** 409 when a file of this name is already in the partner's inbound area. */
export async function refuseDuplicate(c: AppContext, key: string, name: string): Promise<void> {
	if (await c.env.EXCHANGE.head(key)) fail(409, `${name} was already uploaded`);
}

/**
 * The operator's private key for PGP-encrypted inbound files (`.pgp` / `.gpg`), from two optional Worker
 * secrets: INBOUND_PGP_PRIVATE_KEY (the ASCII-armored private key) and INBOUND_PGP_PASSPHRASE (when the
 * key is protected by one). Optional, so read by name like the DELIVERY_ target secrets: wrangler's
 * `[secrets]` lists only required secrets, and a deployment that takes no encrypted files sets neither.
 */
export const INBOUND_PGP_KEY_SECRET = "INBOUND_PGP_PRIVATE_KEY";
export const INBOUND_PGP_PASSPHRASE_SECRET = "INBOUND_PGP_PASSPHRASE";

export interface InboundPgpSecrets {
	armoredKey: string;
	/** null when INBOUND_PGP_PASSPHRASE is not set (or empty). */
	passphrase: string | null;
}

/** The key's secrets, or null when INBOUND_PGP_PRIVATE_KEY is not set: the edge then takes no encrypted files. */
export function inboundPgpSecretsOf(env: Env): InboundPgpSecrets | null {
	const armoredKey = stringNamed(env, INBOUND_PGP_KEY_SECRET).trim();
	if (armoredKey === "") return null;
	const passphrase = stringNamed(env, INBOUND_PGP_PASSPHRASE_SECRET);
	return { armoredKey, passphrase: passphrase === "" ? null : passphrase };
}

function stringNamed(env: Env, name: string): string {
	const value: unknown = Reflect.get(env, name);
	return typeof value === "string" ? value : "";
}

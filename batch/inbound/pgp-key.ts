import { inboundPgpSecretsOf } from "../../core/config/inbound-pgp";
import { noPgpKey, type PgpKey, type PgpKeySource, readPgpKey } from "./parse/pgp";

const loaded = new WeakMap<object, Promise<PgpKey>>();

/**
 * The key the split step decrypts `.pgp`/`.gpg` files with: read from the Worker's secrets and unlocked
 * on first use, once per Env (an isolate's steps share it; unlocking a gpg key runs its passphrase
 * hashing, about a second). A missing or unusable key is remembered too: each encrypted file is then
 * refused with the reason, and the edge's other work goes on.
 */
export function inboundPgpKeyOf(env: Env): PgpKeySource {
	return () => {
		let key = loaded.get(env);
		if (!key) {
			const secrets = inboundPgpSecretsOf(env);
			key = secrets ? readPgpKey(secrets.armoredKey, secrets.passphrase) : Promise.reject(noPgpKey());
			// Rejections are read by each file that asks; none is left unhandled meanwhile.
			key.catch(() => undefined);
			loaded.set(env, key);
		}
		return key;
	};
}

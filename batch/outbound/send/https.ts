import type { HttpsTarget } from "../destinations/schema";
import { assertPublicEndpoint, secretNamed } from "./checks";
import type { Transport } from "./loop";

/**
 * POSTs each file to the partner's URL with the secret header and the file name in `X-Edgesync-File`.
 * The endpoint and the secret are checked before anything is sent.
 */
export function httpsTransport(env: Env, target: HttpsTarget): Transport {
	assertPublicEndpoint("HTTPS endpoint", target.url);
	const secret = secretNamed(env, target.secretBinding);
	return {
		label: "HTTPS endpoint",
		send(file, outgoing) {
			outgoing.headers.set("x-edgesync-file", file.name);
			outgoing.headers.set(target.secretHeader, secret);
			return fetch(target.url, { method: "POST", ...outgoing });
		},
	};
}

import { env } from "cloudflare:workers";
import * as openpgp from "openpgp";

/** The plaintext of the gpg fixtures (test/worker/fixtures/pgp/README.md), byte for byte. */
export const GPG_FIXTURE_TEXT = "p1\td_sid=1,2, 3\r\nnobody\t1\np2\tic=52,color=red\nbroken line\n";

/** The test key's secrets as the Worker has them (INBOUND_PGP_PRIVATE_KEY, INBOUND_PGP_PASSPHRASE). */
export function testKeySecrets(): { armoredKey: string; passphrase: string } {
	const secret = (name: string) => String(Reflect.get(env, name) ?? "");
	return { armoredKey: secret("INBOUND_PGP_PRIVATE_KEY"), passphrase: secret("INBOUND_PGP_PASSPHRASE") };
}

/** A file `gpg` encrypted to the test key: AAM's command line, or the same with BZip2. */
export function gpgFixture(which: "aam-command" | "bzip2"): Uint8Array {
	const b64 = which === "aam-command" ? env.TEST_GPG_AAM_COMMAND_BASE64 : env.TEST_GPG_BZIP2_BASE64;
	return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

export interface EncryptOptions {
	/** openpgp.js's default is none; gpg's is ZLIB. */
	compression?: "uncompressed" | "zip" | "zlib";
	armored?: boolean;
	/** Encrypt to this public key instead of the test key's. */
	to?: openpgp.PublicKey;
	/** Hide the recipient's key ID (`gpg --throw-keyids`). */
	hidden?: boolean;
}

/** `content` encrypted to the test key with openpgp.js (as a vendor's tool other than gpg would). */
export async function encryptForEdge(
	content: string | Uint8Array | ReadableStream<Uint8Array>,
	options: EncryptOptions = {},
): Promise<Uint8Array> {
	const encryptionKeys = options.to ?? (await openpgp.readKey({ armoredKey: env.TEST_PGP_PUBLIC_KEY }));
	const binary = typeof content === "string" ? new TextEncoder().encode(content) : content;
	const message = await openpgp.createMessage({ binary, format: "binary" });
	const config = { preferredCompressionAlgorithm: openpgp.enums.compression[options.compression ?? "zlib"] };
	const wildcard = options.hidden ?? false;
	const out = options.armored
		? await openpgp.encrypt({ message, encryptionKeys, config, wildcard, format: "armored" })
		: await openpgp.encrypt({ message, encryptionKeys, config, wildcard, format: "binary" });
	return new Uint8Array(await new Response(out as BodyInit).arrayBuffer());
}

/** A key pair that is not the edge's (a vendor who encrypted to the wrong key). */
export async function otherKeyPair() {
	return openpgp.generateKey({
		type: "ecc",
		curve: "curve25519Legacy",
		userIDs: [{ name: "someone else" }],
		format: "object",
	});
}

/** `content` encrypted with a passphrase only (`gpg --symmetric`), to no public key. */
export async function encryptWithPassphrase(content: string): Promise<Uint8Array> {
	const message = await openpgp.createMessage({ binary: new TextEncoder().encode(content), format: "binary" });
	return openpgp.encrypt({ message, passwords: "a shared secret", format: "binary" });
}

/** A stream of `bytes` handed out `chunk` bytes at a time, only when read, counting what was pulled. */
export function countedStream(bytes: Uint8Array, chunk = 16_384) {
	const pulled = { bytes: 0 };
	let at = 0;
	const stream = new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				if (at >= bytes.length) return controller.close();
				const piece = bytes.slice(at, at + chunk);
				at += piece.length;
				pulled.bytes += piece.length;
				controller.enqueue(piece);
			},
		},
		{ highWaterMark: 0 },
	);
	return { stream, pulled };
}

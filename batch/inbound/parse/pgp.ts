import * as openpgp from "openpgp";
import { InboundFileError, SourceReadError } from "./file-error";
import { BoundedCompressedDataPacket } from "./pgp-inflate";
import { prepend, readSource } from "./pgp-stream";

/**
 * PGP-encrypted inbound files (`.pgp` / `.gpg`, AAM's "File PGP Encryption for Inbound Data Types"): a
 * vendor encrypts to the operator's public key (`gpg --recipient … --cipher-algo AES --encrypt`), the
 * edge decrypts with the operator's private key, as a stream, with openpgp.js. Binary and ASCII-armored
 * messages are read; signatures, if any, are not checked (the uploader is known by its key or area).
 * Every failure is an InboundFileError saying what the vendor (or the operator) can do about it.
 */

/** The operator's private key, unlocked. */
export type PgpKey = openpgp.PrivateKey;

/**
 * Where the parser gets the key when it meets an encrypted file: asked for on first use only, so a
 * deployment without encrypted deliveries never reads it. Rejects with an InboundFileError (`pgp_no_key`,
 * `pgp_key`) when there is no usable key.
 */
export type PgpKeySource = () => Promise<PgpKey>;

/**
 * How openpgp.js reads inbound files.
 *
 * `allowUnauthenticatedStream`: a message's integrity (the MDC of gpg's default SEIPD packet, or the last
 * AEAD tag) is known only once its last byte is read. With this off, openpgp.js holds the whole
 * plaintext in memory until then (a 1 GiB file would need 1 GiB; a Worker has 128 MB); on, it hands
 * the plaintext on as it decrypts and fails the stream at the end if the check fails. That is safe here
 * because nothing of an inbound file is applied before it was read to its end: the split step only
 * writes pieces, and an encrypted file whose stream ends in any error is refused whole — its pieces are
 * deleted and none of its lines counted (split.ts, FileErrorOutcome.refused) — so plaintext whose
 * integrity failed never reaches the graph. The vendor CLI drops its counts the same way.
 *
 * `additionalAllowedPackets`: compressed data is inflated with pako, a step at a time (pgp-inflate.ts),
 * not with workerd's DecompressionStream, which does not apply backpressure.
 */
export const PGP_READ_CONFIG = {
	allowUnauthenticatedStream: true,
	additionalAllowedPackets: [BoundedCompressedDataPacket],
} satisfies openpgp.PartialConfig;

/** Where a key and its passphrase came from, for messages: the edge's secrets, or the CLI's options. */
export interface PgpKeyNames {
	key: string;
	passphrase: string;
	/** What whoever reads the message does next, if anything. */
	nextStep?: string;
}

const EDGE_KEY_NAMES: PgpKeyNames = {
	key: "INBOUND_PGP_PRIVATE_KEY",
	passphrase: "INBOUND_PGP_PASSPHRASE",
	nextStep: "operator: fix the key's secrets, then have the file sent again",
};

/** Reads and unlocks an armored private key; InboundFileError `pgp_key` when it cannot. */
export async function readPgpKey(
	armoredKey: string,
	passphrase: string | null,
	names: PgpKeyNames = EDGE_KEY_NAMES,
): Promise<PgpKey> {
	let key: PgpKey;
	try {
		key = await openpgp.readPrivateKey({ armoredKey });
	} catch (err) {
		throw keyProblem(names, `${names.key} is not an armored OpenPGP private key`, err);
	}
	if (key.isDecrypted()) return key;
	if (passphrase === null) throw keyProblem(names, `it needs a passphrase and ${names.passphrase} is not set`);
	try {
		return await openpgp.decryptKey({ privateKey: key, passphrase });
	} catch (err) {
		throw keyProblem(names, `${names.passphrase} does not unlock it`, err);
	}
}

/*
 * The messages below end up as a receipt's sample line, `line N: <file name>: <message>`, cut at 200
 * characters: what happened and "nothing in it was applied" come first, details last.
 */

function keyProblem(names: PgpKeyNames, why: string, err?: unknown): InboundFileError {
	const notes = [names.nextStep, err === undefined ? undefined : messageOf(err)].filter(Boolean);
	return new InboundFileError(
		"pgp_key",
		`cannot use the private key: ${why}; nothing in it was applied${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
	);
}

export function noPgpKey(): InboundFileError {
	return new InboundFileError(
		"pgp_no_key",
		"PGP-encrypted, but this edge has no private key (INBOUND_PGP_PRIVATE_KEY is not set); nothing in it was applied: send it unencrypted, or ask the operator for a key",
	);
}

/** Bytes looked at to tell an OpenPGP message (binary or armored) from anything else. */
export const PGP_SNIFF_BYTES = 32;
const ARMOR = new TextEncoder().encode("-----BEGIN PGP MESSAGE-----");

/**
 * True when `head` starts an OpenPGP encrypted message: ASCII armor, or a binary packet header of an
 * encrypted session key (tag 1, public key; tag 3, passphrase) followed by a version AAM's and other
 * tools write (3 to 6). A text line could start with such a header byte (`é` is 0xC3 0xA9) but not with
 * a control character where the version is, so no valid inbound text file is taken for PGP.
 */
export function looksLikePgp(head: Uint8Array): boolean {
	if (startsWith(head, ARMOR)) return true;
	const first = head[0] ?? 0;
	if ((first & 0x80) === 0) return false;
	let tag: number;
	let bodyAt: number;
	if (first & 0x40) {
		// New format: tag in the low six bits; then a one-, two- or five-octet length.
		tag = first & 0x3f;
		const len = head[1] ?? 0;
		bodyAt = len < 192 ? 2 : len < 224 ? 3 : len === 255 ? 6 : -1;
	} else {
		// Old format: tag in bits 2-5; the low two bits give a one-, two- or four-octet length.
		tag = (first >> 2) & 0x0f;
		const lengthType = first & 0x03;
		bodyAt = lengthType === 3 ? -1 : 1 + 2 ** lengthType;
	}
	const version = bodyAt < 0 ? -1 : (head[bodyAt] ?? -1);
	return (tag === 1 || tag === 3) && version >= 3 && version <= 6;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
	return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * The plaintext of an encrypted inbound file, as a stream: openpgp.js decrypts as the reader asks, and
 * the stream fails with an InboundFileError when the file turns out damaged (its end included). The
 * source is cancelled when the plaintext is. Failures before the first byte (not PGP, no key, another
 * recipient, a session key that does not decrypt) reject instead.
 */
export async function decryptContent(
	body: ReadableStream<Uint8Array>,
	keySource: PgpKeySource | undefined,
): Promise<ReadableStream<Uint8Array>> {
	const reader = body.getReader();
	try {
		const { head, ended } = await readHead(reader, PGP_SNIFF_BYTES);
		if (!looksLikePgp(head)) throw notPgp(head, "; nothing in it was applied");
		if (!keySource) throw noPgpKey();
		const key = await keySource();
		const armored = startsWith(head, ARMOR);
		const cap = { ...(armored ? ARMORED_CAP : BEFORE_DATA_CAP) };
		const message = await readMessage(capped(prepend(head, reader, ended), cap), armored);
		// Binary: the packets before the encrypted data are read; the data itself streams uncapped.
		if (!armored) cap.bytes = Number.POSITIVE_INFINITY;
		checkRecipients(message, key);
		let decrypted: { data: unknown };
		try {
			decrypted = await openpgp.decrypt({ message, decryptionKeys: key, format: "binary", config: PGP_READ_CONFIG });
		} catch (err) {
			throw damaged(err);
		}
		if (!(decrypted.data instanceof ReadableStream)) throw new Error("openpgp.js did not return a stream");
		return failingAs(decrypted.data as ReadableStream<Uint8Array>, reader);
	} catch (err) {
		// The source is ended from below, whoever holds it now (openpgp.js's streams, once handed on).
		await reader.cancel().catch(() => undefined);
		throw err;
	}
}

/**
 * Without the private key (the vendor CLI): whether the file is an encrypted OpenPGP message, and to
 * which key IDs it is encrypted ([] for a passphrase only). Reads only the message's first packets, then
 * ends the source. Rejects with InboundFileError `not_pgp`.
 */
export async function pgpRecipients(body: ReadableStream<Uint8Array>): Promise<string[]> {
	const reader = body.getReader();
	try {
		const { head, ended } = await readHead(reader, PGP_SNIFF_BYTES);
		if (!looksLikePgp(head)) throw notPgp(head, "");
		const armored = startsWith(head, ARMOR);
		const source = capped(prepend(head, reader, ended), armored ? ARMORED_CAP : BEFORE_DATA_CAP);
		const message = await readMessage(source, armored);
		return message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}

async function readMessage(source: ReadableStream<Uint8Array>, armored: boolean) {
	try {
		return armored
			? await openpgp.readMessage({
					armoredMessage: source.pipeThrough(new TextDecoderStream()),
					config: PGP_READ_CONFIG,
				})
			: await openpgp.readMessage({ binaryMessage: source, config: PGP_READ_CONFIG });
	} catch (err) {
		if (err instanceof InboundFileError || err instanceof SourceReadError) throw err;
		throw new InboundFileError(
			"not_pgp",
			`the content is not a readable PGP message; nothing in it was applied (${messageOf(err)})`,
		);
	}
}

/**
 * Refuses a message not encrypted to the edge's key before trying it, with the key IDs on both sides:
 * the vendor encrypted to an old or another key, or with a passphrase only. A hidden recipient
 * (`gpg --throw-keyids`, key ID 0) is tried.
 */
function checkRecipients(message: openpgp.Message<ReadableStream<Uint8Array>>, key: PgpKey): void {
	const recipients = message.getEncryptionKeyIDs();
	// Each hidden recipient costs a private-key decryption: thousands of them would cost minutes of CPU.
	if (recipients.length > MAX_RECIPIENTS) {
		throw new InboundFileError(
			"pgp_damaged",
			`encrypted to ${recipients.length} recipients; the edge tries at most ${MAX_RECIPIENTS}; nothing in it was applied`,
		);
	}
	const ours = key.getKeyIDs();
	if (recipients.some((id) => /^0+$/.test(id.toHex()) || ours.some((own) => own.equals(id)))) return;
	const edgeKeys = ours.map((id) => id.toHex().toUpperCase()).join(", ");
	const to =
		recipients.length === 0
			? "encrypted with a passphrase only"
			: `encrypted to key ID ${recipients.map((id) => id.toHex().toUpperCase()).join(", ")}`;
	throw new InboundFileError(
		"pgp_wrong_key",
		`${to}, not to this edge's key (key IDs ${edgeKeys}); nothing in it was applied: encrypt it to the operator's public key`,
	);
}

/**
 * The plaintext stream, its failures turned into InboundFileErrors (a failing source stays a
 * SourceReadError).
 * Cancelling it (a reader that stops early: the size cap, a failing step) ends the ciphertext from below
 * and reads what openpgp.js still holds to its (failing) end: cancelling openpgp.js's output stream
 * itself leaves a promise of its stream plumbing rejected with nobody listening.
 */
function failingAs(
	data: ReadableStream<Uint8Array>,
	source: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
	const reader = data.getReader();
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				try {
					const r = await reader.read();
					if (r.done) controller.close();
					else controller.enqueue(r.value);
				} catch (err) {
					controller.error(damaged(err));
				}
			},
			async cancel(reason) {
				await source.cancel(reason).catch(() => undefined);
				try {
					while (!(await reader.read()).done) {
						// Discarded: what was decrypted before the source ended.
					}
				} catch {
					// The ciphertext ended early: the failure expected.
				}
			},
		},
		{ highWaterMark: 0 },
	);
}

function damaged(err: unknown): InboundFileError | SourceReadError {
	if (err instanceof InboundFileError || err instanceof SourceReadError) return err;
	return new InboundFileError(
		"pgp_damaged",
		`damaged, truncated or modified: decryption or its integrity check failed; nothing in it was applied (${messageOf(err)})`,
	);
}

/** The first `bytes` bytes of a stream (fewer when it ends first). */
export async function readHead(
	reader: ReadableStreamDefaultReader<Uint8Array>,
	bytes: number,
): Promise<{ head: Uint8Array; ended: boolean }> {
	const parts: Uint8Array[] = [];
	let length = 0;
	while (length < bytes) {
		const r = await readSource(reader);
		if (r.done) return { head: concat(parts, length), ended: true };
		parts.push(r.value);
		length += r.value.length;
	}
	return { head: concat(parts, length), ended: false };
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
	if (parts.length === 1) return parts[0] ?? new Uint8Array(0);
	const out = new Uint8Array(length);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** Session keys the edge tries its key on: gpg writes one per recipient. */
const MAX_RECIPIENTS = 8;

interface ByteCap {
	bytes: number;
	error: () => InboundFileError;
}

/**
 * openpgp.js reads ASCII armor whole (a header line in one piece; the body as one string once it meets
 * `=` or `-`), so an armored file is capped as a whole. AAM's command line writes binary files.
 */
const ARMORED_CAP: ByteCap = {
	bytes: 8 * 1024 * 1024,
	error: () =>
		new InboundFileError(
			"pgp_over_cap",
			"an ASCII-armored file over 8 MiB; nothing in it was applied: send it binary (gpg without --armor, as AAM's command line)",
		),
};

/** A binary message's packets before its encrypted data are held in memory until that data starts. */
const BEFORE_DATA_CAP: ByteCap = {
	bytes: 1024 * 1024,
	error: () =>
		new InboundFileError(
			"pgp_damaged",
			"over 1 MiB of PGP packets before the encrypted data; nothing in it was applied",
		),
};

/**
 * `source`, failing with `cap.error()` once more than `cap.bytes` passed. The limit is read at every
 * chunk, so a caller holding its own copy of `cap` may lift it once the part that needed it was read.
 */
function capped(source: ReadableStream<Uint8Array>, cap: ByteCap): ReadableStream<Uint8Array> {
	let seen = 0;
	return source.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				seen += chunk.length;
				if (seen > cap.bytes) controller.error(cap.error());
				else controller.enqueue(chunk);
			},
		}),
	);
}

/** A `.pgp`/`.gpg` name whose first bytes are no OpenPGP message. */
function notPgp(head: Uint8Array, tail: string): InboundFileError {
	const empty = head.length === 0 ? " (the file is empty)" : "";
	return new InboundFileError(
		"not_pgp",
		`the name ends in .pgp or .gpg but the content is not a PGP-encrypted message${empty}${tail}`,
	);
}

function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

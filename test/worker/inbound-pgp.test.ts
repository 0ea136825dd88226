// PGP-encrypted inbound files (`.pgp` / `.gpg`, AAM's "File PGP Encryption for Inbound Data Types"),
// parsed inside workerd with openpgp.js: names, decryption as a stream, the files AAM's gpg command line
// makes, and every way an encrypted file is refused whole.
import { env } from "cloudflare:workers";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import {
	countOutcome,
	emptyTally,
	type InboundFileName,
	type InboundOutcome,
	type ParseFileOptions,
	parseInboundFile,
	parseInboundFileName,
	SourceReadError,
	type Tally,
} from "../../batch/inbound/parse";
import { type PgpKeySource, readPgpKey } from "../../batch/inbound/parse/pgp";
import {
	countedStream,
	encryptForEdge,
	encryptWithPassphrase,
	GPG_FIXTURE_TEXT,
	gpgFixture,
	otherKeyPair,
	testKeySecrets,
} from "./support/pgp";
import { streamOf } from "./support/streams";

const enc = new TextEncoder();
const PLAIN = "ftp_dpm_1000_1700000000.sync";
const PGP = "ftp_dpm_1000_1700000000.sync.pgp";
/** The test key's encryption subkey (test/worker/fixtures/pgp/README.md). */
const EDGE_SUBKEY = "ACFEAEE93D817DC3";

function nameOf(name: string): InboundFileName {
	const parsed = parseInboundFileName(name);
	if ("error" in parsed) throw new Error(parsed.error);
	return parsed;
}

/** The test key as the Worker has it (its secrets), unlocked once for the whole file. */
const testKey: PgpKeySource = (() => {
	let key: ReturnType<PgpKeySource> | null = null;
	return () => {
		const { armoredKey, passphrase } = testKeySecrets();
		key ??= readPgpKey(armoredKey, passphrase);
		return key;
	};
})();

async function parse(
	bytes: Uint8Array | ReadableStream<Uint8Array>,
	file = PGP,
	options: Partial<ParseFileOptions> = {},
): Promise<{ outcomes: InboundOutcome[]; tally: Tally }> {
	const tally = emptyTally();
	const outcomes: InboundOutcome[] = [];
	const body = bytes instanceof Uint8Array ? streamOf(bytes) : bytes;
	for await (const o of parseInboundFile(body, {
		name: nameOf(file),
		idType: "partner",
		pgpKey: testKey,
		...options,
	})) {
		outcomes.push(o);
		countOutcome(tally, o);
	}
	return { outcomes, tally };
}

/** Lines a vendor sends, distinct so that compression does not shrink them to nothing. */
const LINES = Array.from({ length: 3_000 }, (_, i) => `user-${i * 7919}\td_sid=${(i % 40) + 1},ic=${i % 9}`).join("\n");

describe("encrypted file names", () => {
	it.each([
		[PGP, null, PLAIN],
		["ftp_dpm_1000_1700000000.overwrite.gpg", null, "ftp_dpm_1000_1700000000.overwrite"],
		["ftp_dpm_1000_2000_1700000000.sync.1.pgp", 1, "ftp_dpm_1000_2000_1700000000.sync"],
		["ftp_dpm_1000_1700000000.sync.12.gpg", 12, PLAIN],
		["adobe_id_0_1000_1700000000.sync.2.pgp", 2, "adobe_id_0_1000_1700000000.sync"],
	])("%s: encrypted, split %s, delivery %s", (name, split, deliveryKey) => {
		expect(parseInboundFileName(name)).toMatchObject({ pgp: true, gzip: false, split, deliveryKey });
	});

	it("gives every part of a delivery the same key, however each part is stored", () => {
		const keys = [
			"ftp_dpm_1000_1700000000.sync.1",
			"ftp_dpm_1000_1700000000.sync.2.gz",
			"ftp_dpm_1000_1700000000.sync.3.pgp",
			"ftp_dpm_1000_1700000000.sync.4.gpg",
		].map((name) => nameOf(name).deliveryKey);
		expect(new Set(keys)).toEqual(new Set([PLAIN]));
		expect(nameOf(PLAIN).pgp).toBe(false);
	});

	it.each([
		["ftp_dpm_1000_1700000000.sync.gz.pgp", "ftp_dpm_1000_1700000000.sync.pgp"],
		["ftp_dpm_1000_1700000000.sync.1.gz.gpg", "ftp_dpm_1000_1700000000.sync.1.gpg"],
	])("refuses gzip inside PGP, as AAM does: %s", (name, instead) => {
		const refused = parseInboundFileName(name);
		expect(refused).toMatchObject({ reason: "gzip_in_pgp" });
		expect("error" in refused && refused.error).toContain(`name it ${instead}`);
	});

	it.each([
		"ftp_dpm_1000_1700000000.sync.pgp.gz",
		"ftp_dpm_1000_1700000000.sync.PGP",
		"ftp_dpm_1000_1700000000.sync.pgp.1",
		"ftp_dpm_1000_1700000000.sync.asc",
		"ftp_dpm_1000_1700000000.pgp",
	])("refuses %s by name", (name) => {
		expect(parseInboundFileName(name)).toMatchObject({ reason: "unknown_pattern" });
	});

	it("says why a gzipped encrypted file is refused", () => {
		const refused = parseInboundFileName("ftp_dpm_1000_1700000000.sync.pgp.gz");
		expect("error" in refused && refused.error).toMatch(/do not gzip it\)$/);
	});
});

describe("decrypting as the file is read", () => {
	const plain = async (text: string) => (await parse(enc.encode(text), PLAIN)).outcomes;

	it.each([
		["ZLIB (gpg's default)", "zlib", false],
		["ZIP", "zip", false],
		["no compression", "uncompressed", false],
		["ZLIB, ASCII-armored", "zlib", true],
	] as const)("%s: the same outcomes as the plain file", async (_, compression, armored) => {
		const { outcomes, tally } = await parse(await encryptForEdge(LINES, { compression, armored }));
		expect(tally.fileError).toBeNull();
		expect(outcomes).toEqual(await plain(LINES));
		expect(outcomes).toHaveLength(3_000);
	});

	it("decrypts a file whose recipient is hidden (gpg --throw-keyids): the edge's key is tried", async () => {
		const { outcomes, tally } = await parse(await encryptForEdge(LINES, { hidden: true }));
		expect(tally.fileError).toBeNull();
		expect(outcomes).toHaveLength(3_000);
	});

	it.each([
		["AAM's command line (ZLIB)", "aam-command"],
		["--compress-algo bzip2", "bzip2"],
	] as const)("reads what gpg made with %s, byte for byte the plain file's lines", async (_, which) => {
		const { outcomes, tally } = await parse(gpgFixture(which), "ftp_dpm_1000_1790000000.sync.gpg");
		expect(tally.fileError).toBeNull();
		expect(outcomes.map((o) => ("text" in o ? o.text : o.type))).toEqual([
			"p1\td_sid=1,2, 3",
			"nobody\t1",
			"p2\tic=52,color=red",
			"broken line",
		]);
		expect(outcomes).toEqual(await plain(GPG_FIXTURE_TEXT));
	});

	it("streams a multi-MB file: every line read, in order, with no file error", async () => {
		const lines = Array.from({ length: 120_000 }, (_, i) => `u${(i * 2_654_435_761) % 1e9}\t${i % 500},k=${i}`);
		const text = `${lines.join("\n")}\n`;
		expect(text.length).toBeGreaterThan(2_500_000);
		const cipher = await encryptForEdge(text, { compression: "zlib" });
		const { outcomes, tally } = await parse(streamOf(cipher, 8_192));
		expect(tally.fileError).toBeNull();
		expect(tally.counts.recordsReceived).toBe(120_000);
		expect(outcomes.at(-1)).toMatchObject({ type: "record", line: 120_000, text: lines.at(-1) });
	});

	it.each([
		["before its first packet", 0],
		["inside its encrypted data", 3],
	])("a failing read of the file %s is thrown as the source's failure, never refused as damage", async (_, after) => {
		const cipher = await encryptForEdge(LINES, { compression: "uncompressed" });
		expect(cipher.length).toBeGreaterThan(8 * 1_024);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= after) return controller.error(new Error("connection reset"));
				controller.enqueue(cipher.slice(sent * 1_024, ++sent * 1_024));
			},
		});
		const failure = await parse(body).then(
			({ outcomes }) => outcomes.at(-1),
			(err: unknown) => err,
		);
		expect(failure).toBeInstanceOf(SourceReadError);
		expect(String(failure)).toContain("connection reset");
	});

	it("reads only as far ahead as the parser asks, even through a compression bomb", async () => {
		// 256 MiB of one line compresses about 1,000:1; workerd's DecompressionStream (openpgp.js's own
		// choice) would inflate all of it into memory as soon as the first line is asked for.
		const mib = enc.encode("u\t1\n".repeat(262_144));
		let sent = 0;
		const bomb = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent++ === 256) return controller.close();
				controller.enqueue(mib);
			},
		});
		const cipher = await encryptForEdge(bomb, { compression: "zlib" });
		expect(cipher.length).toBeLessThan(1_000_000);
		const { stream, pulled } = countedStream(cipher, 4_096);
		let read = 0;
		for await (const o of parseInboundFile(stream, { name: nameOf(PGP), idType: "partner", pgpKey: testKey })) {
			expect(o.type).toBe("record");
			if (++read === 100_000) break;
		}
		// 400 KB of plaintext read: a few steps of compressed data pulled, nowhere near the whole file.
		expect(pulled.bytes).toBeLessThan(cipher.length / 8);
	});
});

/**
 * `text` as a literal data packet in a ZLIB Compressed Data packet written by hand (stored deflate blocks),
 * encrypted to the edge's key: `emptyBlocks` blocks of no bytes first (5 bytes each, no content), or an
 * invalid block type at the `corrupt` place.
 */
async function zlibByHand(
	text: string,
	shape: { emptyBlocks?: number; corrupt?: "start" | "middle" },
): Promise<Uint8Array> {
	const plain = await openpgp.createMessage({ binary: enc.encode(text), format: "binary" });
	const content = plain.packets.write() as Uint8Array;
	const invalidBlock = [0x07, 0xff, 0xff, 0x12, 0x34];
	const parts: number[][] = [[0x78, 0x01]]; // zlib: deflate, 32 KiB window, no dictionary
	if (shape.corrupt === "start") parts.push(invalidBlock);
	for (let i = 0; i < (shape.emptyBlocks ?? 0); i++) parts.push([0x00, 0x00, 0x00, 0xff, 0xff]);
	for (let at = 0; at < content.length; at += 0xffff) {
		const block = content.subarray(at, at + 0xffff);
		const final = at + 0xffff >= content.length ? 1 : 0;
		const n = block.length;
		parts.push([final, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff], [...block]);
		if (shape.corrupt === "middle" && at === 0) parts.push(invalidBlock);
	}
	let a = 1;
	let b = 0;
	for (const byte of content) {
		a = (a + byte) % 65_521;
		b = (b + a) % 65_521;
	}
	parts.push([b >> 8, b & 0xff, a >> 8, a & 0xff]);
	const packet = new openpgp.CompressedDataPacket();
	Object.assign(packet, { algorithm: openpgp.enums.compression.zlib, compressed: Uint8Array.from(parts.flat()) });
	const list = new openpgp.PacketList();
	list.push(packet);
	const message = new openpgp.Message(list as unknown as ConstructorParameters<typeof openpgp.Message>[0]);
	const encryptionKeys = await openpgp.readKey({ armoredKey: env.TEST_PGP_PUBLIC_KEY });
	const config = { preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed };
	return openpgp.encrypt({ message, encryptionKeys, config, format: "binary" });
}

/**
 * LINES encrypted to the edge's key with a hidden recipient, its session-key packet written again
 * `copies(packet bytes)` times in front (a message naming that many more recipients).
 */
async function withExtraSessionKeys(copies: (packetBytes: number) => number): Promise<Uint8Array> {
	const cipher = await encryptForEdge(LINES, { hidden: true, compression: "uncompressed" });
	const message = await openpgp.readMessage({ binaryMessage: cipher });
	const body = (message.packets[0] as openpgp.PublicKeyEncryptedSessionKeyPacket).write();
	// A new-format packet header: tag 1 (session key), a five-byte length.
	const header = new Uint8Array([0xc0 | 1, 0xff, 0, 0, 0, 0]);
	new DataView(header.buffer).setUint32(2, body.length);
	const packet = new Uint8Array([...header, ...body]);
	const n = copies(packet.length);
	const out = new Uint8Array(packet.length * n + cipher.length);
	for (let i = 0; i < n; i++) out.set(packet, i * packet.length);
	out.set(cipher, packet.length * n);
	return out;
}

describe("an encrypted file is refused whole", () => {
	async function refusal(bytes: Uint8Array, options: Partial<ParseFileOptions> = {}, file = PGP) {
		const { outcomes } = await parse(bytes, file, options);
		const last = outcomes.at(-1);
		if (last?.type !== "file_error") throw new Error(`no file error: ${JSON.stringify(last)}`);
		return { last, lines: outcomes.length - 1 };
	}

	it("when the edge has no key", async () => {
		const { last } = await refusal(await encryptForEdge(LINES), { pgpKey: undefined });
		expect(last).toMatchObject({ code: "pgp_no_key", refused: true, afterLine: 0 });
		expect(last.message).toContain("INBOUND_PGP_PRIVATE_KEY is not set");
	});

	it("when the edge's key cannot be used: a wrong or missing passphrase, or no key at all", async () => {
		const { armoredKey } = testKeySecrets();
		const wrong = readPgpKey(armoredKey, "not the passphrase");
		await expect(wrong).rejects.toMatchObject({ code: "pgp_key", message: expect.stringContaining("does not unlock") });
		const missing = readPgpKey(armoredKey, null);
		await expect(missing).rejects.toMatchObject({
			message: expect.stringContaining("it needs a passphrase and INBOUND_PGP_PASSPHRASE is not set"),
		});
		const junk = readPgpKey(env.TEST_PGP_PUBLIC_KEY, null);
		await expect(junk).rejects.toMatchObject({
			message: expect.stringContaining("INBOUND_PGP_PRIVATE_KEY is not an armored OpenPGP private key"),
		});
		const { last } = await refusal(await encryptForEdge(LINES), { pgpKey: () => wrong });
		expect(last).toMatchObject({ code: "pgp_key", refused: true });
	});

	it("when it was encrypted to another key, naming both keys", async () => {
		const other = await otherKeyPair();
		const { last } = await refusal(await encryptForEdge(LINES, { to: other.publicKey }));
		const theirs = other.publicKey.subkeys[0]?.getKeyID().toHex().toUpperCase();
		expect(last).toMatchObject({ code: "pgp_wrong_key", refused: true });
		expect(last.message).toContain(`encrypted to key ID ${theirs}`);
		expect(last.message).toContain(EDGE_SUBKEY);
	});

	it("when it is armored and over 8 MiB: openpgp.js would hold armor whole, so no more than the cap is read", async () => {
		// A header line of 20 MB: openpgp.js reads a header line in one piece.
		const longHeader = enc.encode(`-----BEGIN PGP MESSAGE-----\nComment: ${"x".repeat(20_000_000)}\n`);
		const { stream, pulled } = countedStream(longHeader, 65_536);
		const { outcomes } = await parse(stream);
		expect(outcomes.at(-1)).toMatchObject({ code: "pgp_over_cap", refused: true });
		expect((outcomes.at(-1) as { message: string }).message).toContain("send it binary");
		expect(pulled.bytes).toBeLessThanOrEqual(8 * 1024 * 1024 + 3 * 65_536);
		// An armored file under the cap is read as before.
		const { outcomes: small } = await parse(await encryptForEdge(LINES, { armored: true }));
		expect(small.filter((o) => o.type === "record")).toHaveLength(3_000);
	});

	it("when it carries over 1 MiB of packets before its encrypted data", async () => {
		// Session-key packets repeated until their bytes pass the cap, then the real message.
		const { last } = await refusal(await withExtraSessionKeys((packet) => Math.ceil((1024 * 1024) / packet) + 1));
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
		expect(last.message).toContain("over 1 MiB of PGP packets before the encrypted data");
	});

	it.each([
		["at its start (before any literal data)", "start"],
		["after some of its lines", "middle"],
	] as const)("when its compressed data is corrupt %s: refused, never left waiting", async (_, where) => {
		const { last } = await refusal(await zlibByHand(LINES, { corrupt: where }));
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
		expect(last.message).toContain("corrupt compressed data: invalid block type");
	});

	it("when its compressed data runs over 1 MiB ahead of the content it makes (empty deflate blocks)", async () => {
		const { last } = await refusal(await zlibByHand(LINES, { emptyBlocks: 250_000 }));
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
		expect(last.message).toContain("compressed data without content");
		// The same content behind a few empty blocks is read as usual.
		const { outcomes } = await parse(await zlibByHand(LINES, { emptyBlocks: 10 }));
		expect(outcomes.filter((o) => o.type === "record")).toHaveLength(3_000);
	});

	it("when it names more than 8 recipients: each hidden one would cost a private-key decryption", async () => {
		const { last } = await refusal(await withExtraSessionKeys(() => 8));
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
		expect(last.message).toContain("encrypted to 9 recipients; the edge tries at most 8");
	});

	it("when it was encrypted with a passphrase only", async () => {
		const { last } = await refusal(await encryptWithPassphrase(LINES));
		expect(last).toMatchObject({ code: "pgp_wrong_key", message: expect.stringContaining("with a passphrase only") });
	});

	it.each([
		["plain text", enc.encode("p1\t1\n")],
		["gzip", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])],
		["nothing", new Uint8Array(0)],
	])("when a .pgp name holds %s", async (_, bytes) => {
		const { last, lines } = await refusal(bytes);
		expect(last).toMatchObject({ code: "not_pgp", refused: true });
		expect(lines).toBe(0);
	});

	it("when modified: the lines before the damage were read, and the end refuses them all", async () => {
		// Uncompressed, so the bytes after the flip decrypt to garbage of their own block only; the MDC
		// over the whole plaintext fails at the very end.
		const cipher = await encryptForEdge(LINES, { compression: "uncompressed" });
		cipher[cipher.length - 200] = (cipher[cipher.length - 200] ?? 0) ^ 0x01;
		const { last, lines } = await refusal(cipher);
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
		expect(lines).toBeGreaterThan(2_900);
		expect(last.message).toContain("nothing in it was applied");
	});

	it.each([
		["truncated", (c: Uint8Array) => c.slice(0, c.length - 30)],
		["cut in half", (c: Uint8Array) => c.slice(0, c.length >> 1)],
		["a flipped byte in compressed data", (c: Uint8Array) => c.map((b, i) => (i === c.length >> 1 ? b ^ 0xff : b))],
	])("when %s", async (_, damage) => {
		const { last } = await refusal(damage(await encryptForEdge(LINES, { compression: "zlib" })));
		expect(last).toMatchObject({ code: "pgp_damaged", refused: true });
	});

	it("when the decrypted content is gzip (AAM refuses gzip inside PGP)", async () => {
		const gz = new Uint8Array(
			await new Response(new Blob([LINES]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
		);
		const { last } = await refusal(await encryptForEdge(gz));
		expect(last).toMatchObject({ code: "gzip_in_pgp", refused: true, afterLine: 0 });
	});

	it("when it is over the size cap: its end, where its integrity is checked, is never read", async () => {
		const { last, lines } = await refusal(await encryptForEdge(LINES), { maxFileBytes: 10_000 });
		expect(last).toMatchObject({ code: "pgp_over_cap", refused: true });
		expect(lines).toBeGreaterThan(0);
	});

	it("a file without .pgp whose content is encrypted is refused as such, binary or armored", async () => {
		for (const armored of [false, true]) {
			const { last, lines } = await refusal(await encryptForEdge(LINES, { armored }), {}, PLAIN);
			expect(last).toMatchObject({ code: "unexpected_pgp", refused: false });
			expect(lines).toBe(0);
		}
	});

	it("a plain file starting with the bytes of a PGP header but text after them is read as text", async () => {
		// 0xC3 0xA9 is `é`, and also a new-format header of tag 3: its version byte decides.
		const { tally } = await parse(enc.encode("\u00e9t\u00e9\t1\n"), PLAIN);
		expect(tally.fileError).toBeNull();
		expect(tally.counts.recordsReceived).toBe(1);
	});
});

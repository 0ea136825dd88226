import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { discoverDeliveries } from "../../batch/inbound/discover";
import { splitPart } from "../../batch/inbound/split";
import { findDelivery } from "../../batch/inbound/store";
import type { Receipt } from "../../batch/receipts/receipt";
import { putTrait } from "../../batch/traits/store";
import { pairStoreOf } from "../../core/graph/select";
import { call, callWith } from "./support/edge";
import { traitIdsOf } from "./support/graph";
import { expectAddsUp, processDelivery, runDeliverySteps, upload } from "./support/inbound";
import { seedPartnersWithKeys } from "./support/partners";
import { encryptForEdge, GPG_FIXTURE_TEXT, gpgFixture, otherKeyPair } from "./support/pgp";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const T = 1_790_000_000;
let key1000: string;

beforeEach(async () => {
	({ 1000: key1000 } = await seedPartnersWithKeys(1000));
	for (const id of [1, 2, 3, 4, 5]) await putTrait(env.DB, { id, dpid: 1000, name: `t${id}`, rule: null }, 0);
	await putTrait(env.DB, { id: 52, dpid: 1000, name: "ic 52", rule: 'ic == "52"' }, 0);
	await pairStoreOf(env).upsert([
		{ dpid: 1000, dpuuid: "p1", uuid: U1, at: 1 },
		{ dpid: 1000, dpuuid: "p2", uuid: U2, at: 1 },
	]);
});

/** The receipt without what names the delivery or times it. */
function countsOf(receipt: Receipt | null | undefined) {
	const {
		Delivery: _id,
		"File name": _files,
		"Job start time": _start,
		"Job end time": _end,
		...rest
	} = receipt as Receipt;
	return rest;
}

const piecesOf = async (id: string) => (await env.EXCHANGE.list({ prefix: `work/inbound/${id}/` })).objects;

/** The Env with the keys of every object put into the exchange bucket recorded in `keys`. */
function spyingOnPuts(keys: string[]): Env {
	const bucket = env.EXCHANGE;
	const EXCHANGE = new Proxy(bucket, {
		get(target, prop) {
			if (prop === "put") {
				return (key: string, ...rest: Parameters<R2Bucket["put"]> extends [string, ...infer R] ? R : never) => {
					keys.push(key);
					return target.put(key, ...rest);
				};
			}
			const value = Reflect.get(target, prop);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { ...env, EXCHANGE };
}

/** An Env whose PGP secrets differ (another deployment). */
const withSecrets = (secrets: Record<string, string>): Env => ({ ...env, ...secrets });

describe("an encrypted delivery is applied exactly as its plain twin", () => {
	it("the file gpg made with AAM's command line: the same receipt, the same traits", async () => {
		await env.EXCHANGE.put(`1000/inbound/ftp_dpm_1000_${T}.sync.gpg`, gpgFixture("aam-command"));
		const encrypted = await processDelivery(`ftp_dpm_1000_${T}.sync`);
		expect(encrypted?.status).toBe("done");
		expect(encrypted?.receipt).toMatchObject({
			"File name": [`ftp_dpm_1000_${T}.sync.gpg`],
			"Records received": 4,
			"Format Errors": 1,
			"No Matching AAM ID": 1,
			"Stored Records": 2,
			"Total devices": 2,
			"Total realized traits": 4,
		});
		expect(await traitIdsOf(U1)).toEqual([1, 2, 3]);
		expect(await traitIdsOf(U2)).toEqual([52]);
		// The encrypted file left the inbound area like any other; no piece is left behind.
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
		expect((await env.EXCHANGE.list({ prefix: "work/inbound/" })).objects).toEqual([]);

		await upload(`1000/inbound/ftp_dpm_1000_${T + 60}.sync`, GPG_FIXTURE_TEXT);
		const plain = await processDelivery(`ftp_dpm_1000_${T + 60}.sync`);
		expect(countsOf(plain?.receipt)).toEqual(countsOf(encrypted?.receipt));
	});

	it("split parts encrypted, gzipped and plain make one delivery, one receipt, lines numbered across parts", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await env.EXCHANGE.put(`1000/inbound/${id}.1.pgp`, await encryptForEdge("p1\t1\nbad\n", { armored: true }));
		await upload(`1000/inbound/${id}.2.gz`, "p2\t2\nbad again\n");
		await env.EXCHANGE.put(`1000/inbound/${id}.3.gpg`, await encryptForEdge("p1\t4\n", { compression: "zip" }));
		const delivery = await processDelivery(id);
		expect(delivery?.files).toEqual([
			`1000/inbound/${id}.1.pgp`,
			`1000/inbound/${id}.2.gz`,
			`1000/inbound/${id}.3.gpg`,
		]);
		expect(delivery?.receipt).toMatchObject({ "Records received": 5, "Format Errors": 2, "Stored Records": 3 });
		expect(delivery?.receipt?.["Sample lines"].formatErrors).toEqual([
			"line 2: no TAB between user ID and signals: bad",
			"line 4: no TAB between user ID and signals: bad again",
		]);
		expect(await traitIdsOf(U1)).toEqual([1, 4]);
		expect(await traitIdsOf(U2)).toEqual([2]);
	});

	it("an encrypted part arriving after its delivery started is applied on its own", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}.1`, "p1\t1\n");
		await processDelivery(id);
		await env.EXCHANGE.put(`1000/inbound/${id}.2.pgp`, await encryptForEdge("p2\t2\n"));
		const late = await processDelivery(`${id}.2`);
		expect(late).toMatchObject({ status: "done", lateOf: id, files: [`1000/inbound/${id}.2.pgp`] });
		expect(late?.receipt).toMatchObject({ "Records received": 1, "Stored Records": 1 });
		expect(await traitIdsOf(U2)).toEqual([2]);
	});

	it("a multi-MB encrypted file in AAM's S3 layout streams through split and groups to a receipt that adds up", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		const lines = Array.from({ length: 60_000 }, (_, i) => `vendor-user-${i * 7919}\td_sid=${(i % 5) + 1},k=${i}`);
		const text = `p1\t5\n${lines.join("\n")}\n`;
		expect(text.length).toBeGreaterThan(2_000_000);
		await env.EXCHANGE.put(`1000/inbound/acme/date=2026-09-21/${id}.pgp`, await encryptForEdge(text));
		const delivery = await processDelivery(id);
		expect(delivery?.receipt).toMatchObject({
			"Records received": 60_001,
			"No Matching AAM ID": 60_000,
			"Stored Records": 1,
			"Format Errors": 0,
		});
		expectAddsUp(delivery?.receipt);
		expect(await traitIdsOf(U1)).toEqual([5]);
	});
});

describe("a refused encrypted file applies nothing; its counts add up as a damaged file's do", () => {
	/** Enough lines for several 64 KiB pieces (the tests' INBOUND_PIECE_BYTES), all for known users. */
	const MANY = `${Array.from({ length: 4_000 }, (_, i) => `p${(i % 2) + 1}\t${(i % 5) + 1},pad=${"x".repeat(20)}`).join("\n")}\n`;

	it("modified after encryption: the part's lines were read and written to pieces, then all taken back", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		const cipher = await encryptForEdge(MANY, { compression: "uncompressed" });
		cipher[cipher.length - 100] = (cipher[cipher.length - 100] ?? 0) ^ 0x01;
		await upload(`1000/inbound/${id}.1`, "p1\t1\n");
		await env.EXCHANGE.put(`1000/inbound/${id}.2.pgp`, cipher);
		await upload(`1000/inbound/${id}.3`, "p2\t2\nbad\n");
		await discoverDeliveries(env, Date.now() + 120_000);

		const part1 = await splitPart(env, id, 0, { line: 1, piece: 0 });
		const written: string[] = [];
		const refused = await splitPart(spyingOnPuts(written), id, 1, part1.next);
		// Its lines were decrypted and written before the end of the file said they were not authentic.
		expect(written.length).toBeGreaterThan(2);
		expect(written[0]).toBe(`work/inbound/${id}/000001.ndjson`);
		// A retried step refuses the same way and leaves the same nothing behind.
		expect(await splitPart(env, id, 1, part1.next)).toEqual(refused);
		expect(refused.next).toEqual({ line: 3, piece: 1 });
		expect(refused.bucketLines.every((n) => n === 0)).toBe(true);
		expect(refused.tally.counts).toMatchObject({ recordsReceived: 1, formatErrors: 1 });
		expect(refused.tally.fileError).toMatchObject({ code: "pgp_damaged", refused: true });
		expect((await piecesOf(id)).map((o) => o.key)).toEqual([`work/inbound/${id}/000000.ndjson`]);

		const delivery = await processDelivery(id);
		const receipt = delivery?.receipt;
		expect(receipt).toMatchObject({ "Records received": 4, "Format Errors": 2, "Stored Records": 2 });
		expect(receipt?.["Sample lines"].formatErrors?.[0]).toMatch(
			/^line 2: ftp_dpm_1000_1790000000\.sync\.2\.pgp: damaged, truncated or modified: decryption or its integrity check failed; nothing in it was applied \(/,
		);
		expect(receipt?.["Sample lines"].formatErrors?.[1]).toBe("line 4: no TAB between user ID and signals: bad");
		expectAddsUp(receipt);
		// Parts 1 and 3 only: not one of the 4,000 lines of part 2 (traits 1 to 5 for both users).
		expect(await traitIdsOf(U1)).toEqual([1]);
		expect(await traitIdsOf(U2)).toEqual([2]);
		expect(await piecesOf(id)).toEqual([]);
	});

	const cases: Array<[string, () => Promise<Uint8Array>, Record<string, string>, RegExp]> = [
		[
			"no key configured",
			() => encryptForEdge(MANY),
			{ INBOUND_PGP_PRIVATE_KEY: "" },
			/INBOUND_PGP_PRIVATE_KEY is not set/,
		],
		[
			"a wrong passphrase",
			() => encryptForEdge(MANY),
			{ INBOUND_PGP_PASSPHRASE: "not the passphrase" },
			/INBOUND_PGP_PASSPHRASE does not unlock it/,
		],
		[
			"encrypted to someone else",
			async () => encryptForEdge(MANY, { to: (await otherKeyPair()).publicKey }),
			{},
			/: encrypted to key ID [0-9A-F]{16}, not to this edge's key \(key IDs 589D1CF129E14FEC, ACFEAEE93D817DC3\); nothing/,
		],
		["truncated", async () => (await encryptForEdge(MANY)).slice(0, -40), {}, /damaged, truncated or modified/],
		["not PGP at all", async () => new TextEncoder().encode(MANY), {}, /the content is not a PGP-encrypted message/],
	];

	it.each(cases)("%s: one record, one format error, nothing applied", async (_, make, secrets, why) => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await env.EXCHANGE.put(`1000/inbound/${id}.pgp`, await make());
		await discoverDeliveries(env, Date.now() + 120_000);
		const run = await runDeliverySteps(withSecrets(secrets), id);
		expect(run.groups).toEqual([]);
		expect(run.pieces).toBe(0);
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		expect(receipt).toMatchObject({ "Records received": 1, "Format Errors": 1, "Stored Records": 0 });
		expect(receipt?.["Sample lines"].formatErrors).toEqual([expect.stringMatching(why)]);
		expect(receipt?.["Sample lines"].formatErrors?.[0]).toContain("; nothing in it was applied");
		expectAddsUp(receipt);
		expect(await traitIdsOf(U1)).toEqual([]);
		expect(await traitIdsOf(U2)).toEqual([]);
		expect(await piecesOf(id)).toEqual([]);
	});
});

describe("uploading encrypted files through the edge", () => {
	const put = (name: string, body: BodyInit, vars: Record<string, string> | null = null) => {
		const init = { method: "PUT", body, headers: { Authorization: `Bearer ${key1000}` } };
		const path = `/exchange/inbound/${name}`;
		return vars ? callWith(vars as Partial<Env>, path, init) : call(path, init);
	};

	it("takes .pgp and .gpg files into the partner's area", async () => {
		const body = await encryptForEdge("p1\t1\n");
		expect((await put(`ftp_dpm_1000_${T}.sync.1.pgp`, body)).status).toBe(201);
		expect((await put(`ftp_dpm_1000_${T}.sync.2.gpg`, gpgFixture("aam-command"))).status).toBe(201);
		const keys = (await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects.map((o) => o.key);
		expect(keys).toEqual([`1000/inbound/ftp_dpm_1000_${T}.sync.1.pgp`, `1000/inbound/ftp_dpm_1000_${T}.sync.2.gpg`]);
	});

	it("refuses gzip inside PGP by name, as AAM does", async () => {
		const res = await put(`ftp_dpm_1000_${T}.sync.gz.pgp`, "x");
		expect(res.status).toBe(400);
		expect((await res.json()) as { error: string }).toMatchObject({
			error: expect.stringContaining(`encrypt the uncompressed file and name it ftp_dpm_1000_${T}.sync.pgp`),
		});
	});

	it("refuses encrypted files at once when the edge has no key", async () => {
		const res = await put(`ftp_dpm_1000_${T}.sync.pgp`, await encryptForEdge("p1\t1\n"), {
			INBOUND_PGP_PRIVATE_KEY: "",
		});
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: string }).error).toContain("no private key (INBOUND_PGP_PRIVATE_KEY)");
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
	});
});

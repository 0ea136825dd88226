import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { beforeEach, describe, expect, it } from "vitest";
import { type InboundOutcome, parseInboundFile, parseInboundFileName } from "../../batch/inbound/parse";
import { putTrait } from "../../batch/traits/store";
import { refusedSource } from "../../core/grants/access";
import { grantSource } from "../../core/grants/store";
import { pairStoreOf } from "../../core/graph/select";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { call } from "./support/edge";
import { traitIdsOf } from "./support/graph";
import { processDelivery, runCron, upload } from "./support/inbound";
import { seedPartner } from "./support/partners";

const T = 1_790_000_000;
const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
/** Apple IDFAs are uppercase 8-4-4-4-12 hex (AAM's "Index of IDs"); GAIDs the same in lowercase. */
const IDFA_KNOWN = "6D92078A-8246-4BA4-AE5B-76104861E7DC";
const IDFA_UNKNOWN = "0C7E6A40-5E3F-4A3B-9F1B-2B7D5E1A9C11";
const IDFA_LOWER = "6d92078a-8246-4ba4-ae5b-76104861e7dc";
const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };

function named(name: string) {
	const parsed = parseInboundFileName(name);
	if ("error" in parsed) throw new Error(parsed.error);
	return parsed;
}

describe("who may name a global data source, and how", () => {
	const none = new Set<number>();
	it.each([
		["a trait file of IDFAs for the uploader's own traits", `ftp_dpm_20915_1000_${T}.sync`, none, null],
		["a trait file of GAIDs for a granted source's traits", `ftp_dpm_20914_2000_${T}.overwrite`, new Set([2000]), null],
		[
			"a trait file of IDFAs for traits not granted",
			`ftp_dpm_20915_2000_${T}.sync`,
			none,
			"target data source 2000 is not DPID 1000's own and has not been granted to it by the operator",
		],
		[
			"a trait file of IDFAs naming no target",
			`ftp_dpm_20915_${T}.sync`,
			none,
			"a file of Apple ID for Advertisers (IDFA) device IDs must name the data source whose traits it sets: ftp_dpm_20915_<TARGET_DPID>_<TIMESTAMP>…, TARGET_DPID being DPID 1000 or a source granted to it",
		],
		[
			"a trait file of another partner's IDs, even granted",
			`ftp_dpm_2000_1000_${T}.sync`,
			new Set([2000]),
			"the file name claims DPID 2000; only DPID 1000's own files are accepted here",
		],
		["an ID-sync file reading IDFAs as its master", `adobe_id_20915_1000_${T}.sync`, none, null],
		[
			"an ID-sync file writing IDFAs",
			`adobe_id_0_20915_${T}.sync`,
			none,
			"ID sync data source 20915 is AAM's global data source Apple ID for Advertisers (IDFA): pairs written into it would change how every partner's device IDs resolve, so DPID 1000 needs the operator's grant of 20915 (an access mapping), as for any data source not its own",
		],
		[
			"an ID-sync file writing GAIDs after its own IDs",
			`adobe_id_0_1000_20914_${T}.sync`,
			none,
			expect.stringMatching(/^ID sync data source 20914 is AAM's global data source Google Advertising ID \(GAID\): /),
		],
		["an ID-sync file writing IDFAs, granted", `adobe_id_0_20915_${T}.sync`, new Set([20915]), null],
		["an ID-sync file writing first for a granted partner", `adobe_id_0_2000_${T}.sync`, new Set([2000]), null],
	])("%s", (_, name, granted, refusal) => {
		expect(refusedSource(1000, granted, named(name))).toEqual(refusal);
	});
});

describe("device IDs checked against their source's format", () => {
	async function outcomesOf(name: string, text: string): Promise<InboundOutcome[]> {
		const out: InboundOutcome[] = [];
		const body = new Blob([text]).stream();
		for await (const o of parseInboundFile(body, { name: named(name), idType: "uuid" })) out.push(o);
		return out;
	}

	it("a trait file of IDFAs: an ID in another format is an invalid ID (AAM's Invalid Device ID), whatever the uploader's ID type", async () => {
		const outcomes = await outcomesOf(`ftp_dpm_20915_1000_${T}.sync`, `${IDFA_KNOWN}\t1\n${IDFA_LOWER}\t2\n${U1}\t3\n`);
		expect(outcomes).toMatchObject([
			{ type: "record", userId: IDFA_KNOWN },
			{
				type: "invalid_id",
				problem:
					"invalid device ID: data source 20915 (Apple ID for Advertisers (IDFA)) takes 32 uppercase hexadecimal digits as 8-4-4-4-12",
			},
			{ type: "invalid_id", line: 3 },
		]);
		// GAIDs are the lowercase form.
		const gaid = await outcomesOf(`ftp_dpm_20914_1000_${T}.sync`, `${IDFA_LOWER}\t1\n${IDFA_KNOWN}\t2\n`);
		expect(gaid.map((o) => o.type)).toEqual(["record", "invalid_id"]);
	});

	it("an ID-sync file: a global source's column, master or not, holds its device IDs", async () => {
		const master = await outcomesOf(`adobe_id_20915_1000_${T}.sync`, `${IDFA_KNOWN}\tp9\n${IDFA_LOWER}\tp8\n`);
		expect(master).toMatchObject([
			{ type: "id_pair", ids: [IDFA_KNOWN, "p9"] },
			{ type: "invalid_id", problem: expect.stringMatching(/^column 1: invalid device ID: data source 20915 /) },
		]);
		const written = await outcomesOf(`adobe_id_0_20915_${T}.sync`, `${U1}\t${IDFA_KNOWN}\n${U1}\tnot-an-idfa\n`);
		expect(written.map((o) => o.type)).toEqual(["id_pair", "invalid_id"]);
	});
});

describe("end to end: the uploader owns the delivery, the lines resolve through the global source's pairs", () => {
	let key1000: string;
	let key2000: string;

	beforeEach(async () => {
		// A UUID-typed partner: its own files carry UUIDs, its IDFA files IDFAs.
		await seedPartner({ dpid: 1000, inboundIdType: "uuid", receiptEmails: ["owner@partner.example"] });
		await seedPartner({ dpid: 2000, receiptEmails: ["other@vendor.example"] });
		key1000 = (await createPartnerKey(env.DB, 1000, "test", Date.now())).secret;
		key2000 = (await createPartnerKey(env.DB, 2000, "test", Date.now())).secret;
		for (const id of [1, 2, 3]) await putTrait(env.DB, { id, dpid: 1000, name: `t${id}`, rule: null }, 0);
		// What /ibs stored from `d_cid=20915%01<IDFA>`: the IDFA paired with the visitor.
		await pairStoreOf(env).upsert([{ dpid: 20915, dpuuid: IDFA_KNOWN, uuid: U1, at: 1 }]);
	});

	const put = (name: string, body: string, key: string) =>
		call(`/exchange/inbound/${name}`, { method: "PUT", body, headers: { Authorization: `Bearer ${key}` } });

	async function mailTo(id: string, address: string): Promise<string> {
		const mail = await env.ARCHIVE.get(`mail/receipts/${encodeURIComponent(id)}/${encodeURIComponent(address)}.eml`);
		return (await PostalMime.parse((await mail?.text()) ?? "")).text ?? "";
	}

	it("a trait file of IDFAs for the uploader's traits: counted as AAM counts it, receipted and e-mailed to the uploader", async () => {
		const name = `ftp_dpm_20915_1000_${T}.sync`;
		const lines = `${IDFA_KNOWN}\td_sid=1,2\n${IDFA_LOWER}\t3\n${IDFA_UNKNOWN}\t3\n`;
		expect((await put(name, lines, key1000)).status).toBe(201);
		const id = `1000~${name}`;
		const delivery = await processDelivery(id);
		expect(delivery).toMatchObject({ id, dpid: 1000, targetDpid: 1000, status: "done" });
		expect(delivery?.receipt).toMatchObject({
			"File name": [name],
			"Records received": 3,
			"Invalid AAM ID": 1,
			"No Matching AAM ID": 1,
			"Stored Records": 1,
			"Total realized traits": 2,
		});
		expect(delivery?.receipt?.["Sample lines"].invalidIds).toEqual([
			`line 2: invalid device ID: data source 20915 (Apple ID for Advertisers (IDFA)) takes 32 uppercase hexadecimal digits as 8-4-4-4-12: ${IDFA_LOWER}\t3`,
		]);
		expect(await traitIdsOf(U1)).toEqual([1, 2]);
		expect(await (await env.EXCHANGE.get(`1000/receipts/${id}.json`))?.json()).toEqual(delivery?.receipt);
		expect(await mailTo(id, "owner@partner.example")).toContain("Stored Records: 1");
	});

	it("two partners sending the same name get a delivery each, each receipt to its own sender", async () => {
		await grantSource(env.DB, 2000, 1000, 0);
		const name = `ftp_dpm_20915_1000_${T}.sync`;
		expect((await put(name, `${IDFA_KNOWN}\t1\n`, key1000)).status).toBe(201);
		// No "already received": 2000 learns nothing of 1000's delivery.
		expect((await put(name, `${IDFA_KNOWN}\t3\n${IDFA_UNKNOWN}\t3\n`, key2000)).status).toBe(201);
		await processDelivery(`1000~${name}`);
		const other = await processDelivery(`2000~${name}`);
		expect(other).toMatchObject({ dpid: 2000, targetDpid: 1000, status: "done" });
		expect(other?.receipt).toMatchObject({ "Records received": 2, "No Matching AAM ID": 1, "Stored Records": 1 });
		expect(await traitIdsOf(U1)).toEqual([1, 3]);
		expect(await env.EXCHANGE.head(`2000/receipts/2000~${name}.json`)).not.toBeNull();
		expect(await env.EXCHANGE.head(`1000/receipts/2000~${name}.json`)).toBeNull();
		expect(await mailTo(`2000~${name}`, "other@vendor.example")).toContain("Stored Records: 1");
		expect(
			await env.ARCHIVE.head(`mail/receipts/${encodeURIComponent(`2000~${name}`)}/owner%40partner.example.eml`),
		).toBeNull();
	});

	it("refuses at upload a file of device IDs naming no target, or a target not granted", async () => {
		for (const [name, why] of [
			[`ftp_dpm_20915_${T}.sync`, "must name the data source whose traits it sets"],
			[`ftp_dpm_20914_2000_${T}.sync`, "target data source 2000 is not DPID 1000's own"],
		] as const) {
			const res = await put(name, `${IDFA_KNOWN}\t1\n`, key1000);
			expect(res.status).toBe(403);
			expect(((await res.json()) as { error: string }).error).toContain(why);
		}
	});

	it("an ID-sync file whose master column holds IDFAs pairs the uploader's IDs with their visitors", async () => {
		const name = `adobe_id_20915_1000_${T}.sync`;
		await upload(`1000/inbound/${name}`, `${IDFA_KNOWN}\tp9\n${IDFA_LOWER}\tp8\n${IDFA_UNKNOWN}\tp7\n`);
		const delivery = await processDelivery(name);
		expect(delivery?.receipt).toMatchObject({
			"Records received": 3,
			"Invalid AAM ID": 1,
			"No Matching AAM ID": 1,
			"Stored Records": 1,
		});
		expect([...(await pairStoreOf(env).uuidsOfPartnerIds(1000, ["p9", "p8", "p7"]))]).toEqual([["p9", U1]]);
	});

	it("writing IDFAs needs the operator's grant: refused with why, then accepted once granted", async () => {
		const refusedName = `adobe_id_0_20915_${T}.sync`;
		await upload(`1000/inbound/${refusedName}`, `${U2}\t${IDFA_UNKNOWN}\n`);
		await runCron();
		const refused = await env.DB.prepare(
			"SELECT dpid, status, receipt ->> '$.Reason' AS reason FROM inbound_deliveries",
		).first();
		expect(refused).toEqual({
			dpid: 1000,
			status: "rejected",
			reason: expect.stringContaining("needs the operator's grant of 20915"),
		});
		expect(await pairStoreOf(env).uuidsOfPartnerIds(20915, [IDFA_UNKNOWN])).toEqual(new Map());

		const grant = await call("/api/v1/partners/1000/grants/20915", { method: "PUT", headers: ADMIN });
		expect(grant.status).toBe(201);
		const name = `adobe_id_0_20915_${T + 60}.sync`;
		await upload(`1000/inbound/${name}`, `${U2}\t${IDFA_UNKNOWN}\n${U2}\tnot-an-idfa\n`);
		const delivery = await processDelivery(`1000~${name}`);
		expect(delivery).toMatchObject({ dpid: 1000, status: "done" });
		expect(delivery?.receipt).toMatchObject({ "Records received": 2, "Invalid AAM ID": 1, "Stored Records": 1 });
		expect([...(await pairStoreOf(env).uuidsOfPartnerIds(20915, [IDFA_UNKNOWN]))]).toEqual([[IDFA_UNKNOWN, U2]]);
	});

	it("the operator may grant a global data source, not a DPID nobody has", async () => {
		expect((await call("/api/v1/partners/2000/grants/20914", { method: "PUT", headers: ADMIN })).status).toBe(201);
		expect((await call("/api/v1/partners/2000/grants/4242", { method: "PUT", headers: ADMIN })).status).toBe(404);
		const listed = await (await call("/api/v1/partners/2000/grants", { headers: ADMIN })).json();
		expect(listed).toMatchObject({ grants: [{ dpid: 2000, sourceDpid: 20914 }] });
		// Deleting the partner that holds it deletes the grant.
		expect((await call("/api/v1/partners/2000", { method: "DELETE", headers: ADMIN })).status).toBe(204);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM source_grants").first()).toEqual({ n: 0 });
	});
});

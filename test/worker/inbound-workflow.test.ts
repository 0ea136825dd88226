import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { beforeEach, describe, expect, it } from "vitest";
import { discoverDeliveries } from "../../batch/inbound/discover";
import { SourceReadError } from "../../batch/inbound/parse";
import { splitPart } from "../../batch/inbound/split";
import { findDelivery } from "../../batch/inbound/store";
import { putTrait } from "../../batch/traits/store";
import { inboundWorkflowId as workflowIdOf } from "../../batch/workflows";
import { grantSource, revokeSource } from "../../core/grants/store";
import { pairStoreOf } from "../../core/graph/select";
import { traitIdsOf } from "./support/graph";
import { expectAddsUp, processDelivery, runCron, runDeliverySteps, upload } from "./support/inbound";
import { seedPartner } from "./support/partners";

const U1 = "1".repeat(38);
const U2 = "2".repeat(38);
const T = 1_790_000_000;

beforeEach(async () => {
	await seedPartner({ dpid: 1000, receiptEmails: ["vendor@partner.example"] });
	for (const id of [1, 2, 3, 4, 5]) await putTrait(env.DB, { id, dpid: 1000, name: `t${id}`, rule: null }, 0);
	await putTrait(env.DB, { id: 52, dpid: 1000, name: "ic 52", rule: 'ic == "52"' }, 0);
	await pairStoreOf(env).upsert([
		{ dpid: 1000, dpuuid: "p1", uuid: U1, at: 1 },
		{ dpid: 1000, dpuuid: "p2", uuid: U2, at: 1 },
	]);
});

describe("inbound delivery, end to end through cron and workflow", () => {
	it("applies a file, writes the receipt to D1 and R2 and e-mails it", async () => {
		await upload(
			`1000/inbound/ftp_dpm_1000_${T}.sync.gz`,
			"p1\td_sid=1,2, 3\r\nnobody\t1\np2\tic=52,color=red\nbroken line\n",
		);
		const delivery = await processDelivery(`ftp_dpm_1000_${T}.sync`);
		expect(delivery?.status).toBe("done");
		const receipt = delivery?.receipt;
		expect(receipt).toMatchObject({
			"File name": [`ftp_dpm_1000_${T}.sync.gz`],
			"Records received": 4,
			"Format Errors": 1,
			"Invalid AAM ID": 0,
			"No Matching AAM ID": 1,
			"No Trait Realized": 0,
			"Records processed": 4,
			"Stored Records": 2,
			"Total devices": 2,
			"Total realized traits": 4,
			"Total unused signals": 1,
		});
		expect(await traitIdsOf(U1)).toEqual([1, 2, 3]);
		expect(await traitIdsOf(U2)).toEqual([52]);
		const stored = await env.EXCHANGE.get(`1000/receipts/ftp_dpm_1000_${T}.sync.json`);
		expect(await stored?.json()).toEqual(receipt);
		// Chunks are gone; the file left the partner's inbound area for the edge's own processed area.
		expect((await env.EXCHANGE.list({ prefix: "work/inbound/" })).objects).toEqual([]);
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
		const keys = (await env.EXCHANGE.list({ prefix: "work/processed/" })).objects.map((o) => o.key);
		expect(keys).toEqual([`work/processed/1000/ftp_dpm_1000_${T}.sync/ftp_dpm_1000_${T}.sync.gz`]);
		expect(delivery?.filesMovedAt).toEqual(expect.any(Number));

		for (const key of [
			"mail/receipts/ftp_dpm_1000_1790000000.sync/ops%40edge.example.eml",
			"mail/receipts/ftp_dpm_1000_1790000000.sync/vendor%40partner.example.eml",
		]) {
			const mail = await env.ARCHIVE.get(key);
			const parsed = await PostalMime.parse((await mail?.text()) ?? "");
			expect(parsed.text).toContain("Stored Records: 2");
			expect(parsed.text).toContain("Total devices: 2");
			const json = parsed.attachments.find((a) => a.filename === "receipt.json")?.content;
			expect(JSON.parse(typeof json === "string" ? json : new TextDecoder().decode(json))).toEqual(receipt);
		}
	});

	it("groups split parts into one delivery with one receipt, numbering lines across parts", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.1`, "p1\t1\nbad\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.2.gz`, "p2\t2\nbad again\n");
		const delivery = await processDelivery(`ftp_dpm_1000_${T}.sync`);
		expect(delivery?.files).toEqual([
			`1000/inbound/ftp_dpm_1000_${T}.sync.1`,
			`1000/inbound/ftp_dpm_1000_${T}.sync.2.gz`,
		]);
		expect(delivery?.receipt?.["Records received"]).toBe(4);
		expect(delivery?.receipt?.["Sample lines"].formatErrors).toEqual([
			"line 2: no TAB between user ID and signals: bad",
			"line 4: no TAB between user ID and signals: bad again",
		]);
	});

	it("a split part that arrives after its delivery finished is applied on its own, with its own receipt and e-mail", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}.1`, "p1\t1\n");
		await processDelivery(id);
		await upload(`1000/inbound/${id}.2.gz`, "p2\t2\nbad\n");
		const late = await processDelivery(`${id}.2`);
		expect(late).toMatchObject({ status: "done", lateOf: id, files: [`1000/inbound/${id}.2.gz`] });
		expect(late?.receipt).toMatchObject({
			Delivery: `${id}.2`,
			"File name": [`${id}.2.gz`],
			"Records received": 2,
			"Format Errors": 1,
			"Stored Records": 1,
			"Late part of": id,
		});
		expect(await traitIdsOf(U1)).toEqual([1]);
		expect(await traitIdsOf(U2)).toEqual([2]);
		expect(await (await env.EXCHANGE.get(`1000/receipts/${id}.2.json`))?.json()).toEqual(late?.receipt);
		const mail = await env.ARCHIVE.get(`mail/receipts/${id}.2/vendor%40partner.example.eml`);
		const text = (await PostalMime.parse((await mail?.text()) ?? "")).text;
		expect(text).toContain(`Late part of: ${id} (this part arrived after that delivery had started)`);
		// The first delivery's receipt is untouched.
		expect((await findDelivery(env.DB, id))?.receipt?.["Records received"]).toBe(1);
	});

	it(".sync then .overwrite: applied in timestamp order, the overwrite leaves c,d,e", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T + 60}.overwrite`, "p1\t3,4,5\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t1,2,3\n");
		await processDelivery(`ftp_dpm_1000_${T}.sync`);
		expect(await traitIdsOf(U1)).toEqual([1, 2, 3]);
		await processDelivery(`ftp_dpm_1000_${T + 60}.overwrite`);
		expect(await traitIdsOf(U1)).toEqual([3, 4, 5]);
	});

	it("a step that fails mid-file is retried and the counts stay exact", async () => {
		const lines = Array.from({ length: 12_000 }, (_, i) => `p${(i % 2) + 1}\t${(i % 5) + 1}`).join("\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, lines);
		const id = `ftp_dpm_1000_${T}.sync`;
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, workflowIdOf(id));
		await instance.modify(async (m) => {
			await m.disableRetryDelays();
			await m.mockStepError({ name: "apply group 1" }, new Error("worker crashed"), 2);
		});
		await runCron();
		await instance.waitForStatus("complete");
		// One group per user here (1,000 lines per group in the tests), so group 1 is a real step.
		expect(await instance.waitForStepResult({ name: "plan groups" })).toHaveLength(2);
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		// 200 lines per user: p1 and p2 keep 200 each, the other 11,600 lines are format errors.
		expect(receipt).toMatchObject({ "Records received": 12_000, "Format Errors": 11_600, "Stored Records": 400 });
	});

	it("applies the groups in waves of INBOUND_GROUPS_AT_ONCE (2 here), planned once as a step", async () => {
		const users = ["p1", "p2", "p3", "p4", "p5"];
		const lines = users.flatMap((u) => Array.from({ length: 1_000 }, (_, i) => `${u}\t${(i % 5) + 1}`)).join("\n");
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}`, lines);
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, workflowIdOf(id));
		await instance.modify(async (m) => m.disableRetryDelays());
		await runCron();
		await instance.waitForStatus("complete");
		// 1,000 lines per group in the tests: one group per user.
		expect(await instance.waitForStepResult({ name: "plan groups" })).toHaveLength(5);
		expect(await instance.waitForStepResult({ name: "plan waves" })).toEqual([[0, 1], [2, 3], [4]]);
		expect((await findDelivery(env.DB, id))?.receipt).toMatchObject({ "Records received": 5_000 });
	});

	it("a truncated gzip: the lines before the damage count, the damage is one format error", async () => {
		const lines = Array.from({ length: 2_000 }, (_, i) => `p${(i % 2) + 1}\t${(i % 5) + 1}`).join("\n");
		const gz = new Uint8Array(
			await new Response(new Blob([lines]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
		);
		await env.EXCHANGE.put(`1000/inbound/ftp_dpm_1000_${T}.sync.gz`, gz.slice(0, Math.floor(gz.length / 2)));
		const receipt = (await processDelivery(`ftp_dpm_1000_${T}.sync`))?.receipt;
		const damage = receipt?.["Sample lines"].formatErrors?.at(-1) ?? "";
		expect(damage).toMatch(/^line \d+: ftp_dpm_1000_1790000000\.sync\.gz: corrupt or truncated gzip/);
		// Every line before the damage was whole and stored; the damaged remainder is one more record.
		const intact = Number(/^line (\d+)/.exec(damage)?.[1]) - 1;
		expect(intact).toBeGreaterThan(0);
		expect(intact).toBeLessThan(2_000);
		expect(receipt).toMatchObject({ "Records received": intact + 1, "Format Errors": 1, "Stored Records": intact });
		expectAddsUp(receipt);
	});

	it("blank lines and an empty file are counted so that the receipt adds up", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.1`, "p1\t1\n\np2\t2\r\n\r\n");
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.2`, "");
		const receipt = (await processDelivery(`ftp_dpm_1000_${T}.sync`))?.receipt;
		expect(receipt).toMatchObject({ "Records received": 4, "Format Errors": 2, "Stored Records": 2 });
		expect(receipt?.["Sample lines"].formatErrors).toEqual(["line 2: empty line: ", "line 4: empty line: "]);
		expectAddsUp(receipt);
	});

	it("binary junk is counted line by line and stores nothing", async () => {
		const junk = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
		await env.EXCHANGE.put(`1000/inbound/ftp_dpm_1000_${T}.sync`, junk);
		const receipt = (await processDelivery(`ftp_dpm_1000_${T}.sync`))?.receipt;
		expect(receipt?.["Stored Records"]).toBe(0);
		expect(receipt?.["Records received"]).toBe(receipt?.["Format Errors"]);
	});

	it("the same delivery uploaded twice is processed once; the second upload is refused and removed", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t1\n");
		await processDelivery(`ftp_dpm_1000_${T}.sync`);
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "p1\t2\n");
		await runCron();
		const { results } = await env.DB.prepare(
			"SELECT id, status, receipt ->> '$.Reason' AS reason FROM inbound_deliveries ORDER BY id",
		).all();
		expect(results).toEqual([
			{ id: `ftp_dpm_1000_${T}.sync`, status: "done", reason: null },
			{
				id: expect.stringMatching(/^ftp_dpm_1000_1790000000\.sync@\d{13}$/),
				status: "rejected",
				reason: `delivery ftp_dpm_1000_${T}.sync was already received (done); a delivery is processed once`,
			},
		]);
		expect(await traitIdsOf(U1)).toEqual([1]);
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
		// Another pass finds nothing left to list, refuse or mail.
		await runCron(180);
		expect((await env.DB.prepare("SELECT count(*) AS n FROM inbound_deliveries").first())?.n).toBe(2);
	});

	it("waits for a delivery whose parts are still arriving", async () => {
		await upload(`1000/inbound/ftp_dpm_1000_${T}.sync.1`, "p1\t1\n");
		await runCron(10);
		expect(await findDelivery(env.DB, `ftp_dpm_1000_${T}.sync`)).toBeNull();
	});

	it("refuses bad names and names claiming another DPID with receipts and one e-mail, processing nothing", async () => {
		await upload("1000/inbound/segments.csv", "p1\t1\n");
		await upload(`1000/inbound/ftp_dpm_4242_${T}.sync`, "p1\t1\n");
		await runCron();
		const { results } = await env.DB.prepare(
			"SELECT id, dpid, status, files, receipt ->> '$.Reason' AS reason FROM inbound_deliveries ORDER BY id",
		).all();
		expect(results).toEqual([
			{
				id: expect.stringMatching(/^ftp_dpm_4242_1790000000\.sync@\d{13}$/),
				dpid: 1000,
				status: "rejected",
				files: `["1000/inbound/ftp_dpm_4242_${T}.sync"]`,
				reason: "the file name claims DPID 4242; only DPID 1000's own files are accepted here (in 1000/inbound/)",
			},
			{
				id: expect.stringMatching(/^segments\.csv@\d{13}$/),
				dpid: 1000,
				status: "rejected",
				files: '["1000/inbound/segments.csv"]',
				reason: expect.stringMatching(/^name matches neither ftp_dpm_/),
			},
		]);
		// The refused files are gone; their receipts are in the partner's own prefix.
		expect((await env.EXCHANGE.list({ prefix: "1000/inbound/" })).objects).toEqual([]);
		const receipts = (await env.EXCHANGE.list({ prefix: "1000/receipts/" })).objects.map((o) => o.key);
		expect(receipts).toEqual(results.map((r) => `1000/receipts/${r.id}.json`));
		const mails = (await env.ARCHIVE.list({ prefix: "mail/rejections/1000/" })).objects.map((o) => o.key);
		expect(mails).toEqual([
			expect.stringMatching(/^mail\/rejections\/1000\/\d{13}\/ops%40edge\.example\.eml$/),
			expect.stringMatching(/^mail\/rejections\/1000\/\d{13}\/vendor%40partner\.example\.eml$/),
		]);
		const mail = await PostalMime.parse((await (await env.ARCHIVE.get(mails[1] ?? ""))?.text()) ?? "");
		expect(mail.subject).toBe("edgesync: 2 inbound file(s) of DPID 1000 refused");
		expect(mail.text).toMatch(/^segments\.csv: name matches neither/m);
		expect(mail.text).toMatch(/^ftp_dpm_4242_1790000000\.sync: the file name claims DPID 4242/m);
	});

	it("AAM's two sample ID-sync files: DPID 12345 synced to UUIDs, then DPID 67890 through 12345", async () => {
		// The sample files of AAM's "Name and Content Requirements for ID Synchronization Files", verbatim.
		const uuids = [
			"68079982765673198504052656074456196039",
			"67412682083411995725538770443620307584",
			"89159024796760343733111707646026765593",
			"66552757407517449462805881945288602094",
			"66184778222667870903738139438735041506",
		];
		const xyz = [
			"XYZ3017D_2kzkTOXkFYIAgwbajoqWRcqkXl-TTrj6E4njaMR38",
			"XYZ3017BBR4DAFJWfM6D4Gb4lN_T5jk_f7rdEcqNs9wfnA7h70",
			"XYZ3017PryPID8tzfhkEE-gE034LI-53Jde0utCYcIwd0A2OlM",
			"XYZ3017QvBddD-bLJS28DPxiqUfmIBxE3_55bvQJMLwregJU2M",
			"XYZ3017q9r60kuHPOca_Ek-btCN2iu1HyVaUe0rd412TzbyCMw",
		];
		const nums = ["4598060374", "4581274262", "4392434426", "2351382994", "4601584763"];
		await seedPartner({ dpid: 12345 });
		await seedPartner({ dpid: 67890 });
		await grantSource(env.DB, 67890, 12345, 0);
		const file1 = "adobe_id_0_12345_1476312152.sync";
		await upload(`12345/inbound/${file1}`, uuids.map((u, i) => `${u}\t${xyz[i]}`).join("\n"));
		expect((await processDelivery(file1))?.receipt).toMatchObject({ "Records received": 5, "Stored Records": 5 });
		const file2 = "adobe_id_12345_67890_1476312876.sync";
		await upload(`67890/inbound/${file2}`, xyz.map((x, i) => `${x}\t${nums[i]}`).join("\n"));
		expect((await processDelivery(file2))?.receipt).toMatchObject({ "Records received": 5, "Stored Records": 5 });
		const held = await pairStoreOf(env).uuidsOfPartnerIds(67890, nums);
		expect(nums.map((n) => held.get(n))).toEqual(uuids);
	});

	it("an ID-sync file with several DPIDs pairs each column; rows ending in a TAB or space are counted, not processed", async () => {
		await seedPartner({ dpid: 2000 });
		await grantSource(env.DB, 1000, 2000, 0);
		const id = `adobe_id_0_1000_2000_${T}.sync`;
		await upload(`1000/inbound/${id}`, `${U1}\ta1\tb1\n${U2}\ta2\tb2 \n${U2}\ta3\tb3\t\n${U2}\ta4\n`);
		const receipt = (await processDelivery(id))?.receipt;
		expect(receipt).toMatchObject({ "Records received": 4, "Format Errors": 3, "Stored Records": 1 });
		expect(receipt?.["Sample lines"].formatErrors).toEqual([
			`line 2: the row ends with a TAB or space (AAM does not process such rows): ${U2}\ta2\tb2 `,
			`line 3: the row ends with a TAB or space (AAM does not process such rows): ${U2}\ta3\tb3\t`,
			`line 4: not one ID per DPID of the file name: ${U2}\ta4`,
		]);
		expect([...(await pairStoreOf(env).uuidsOfPartnerIds(1000, ["a1", "a2", "a3", "a4"]))]).toEqual([["a1", U1]]);
		expect([...(await pairStoreOf(env).uuidsOfPartnerIds(2000, ["b1", "b2", "b3"]))]).toEqual([["b1", U1]]);
	});

	it("an ID-sync file naming a DPID not granted to the uploader is refused", async () => {
		await seedPartner({ dpid: 2000 });
		await upload(`1000/inbound/adobe_id_0_1000_2000_${T}.sync`, `${U1}\ta1\tb1\n`);
		await runCron();
		const refused = await env.DB.prepare("SELECT receipt ->> '$.Reason' AS reason FROM inbound_deliveries").first();
		expect(refused?.reason).toBe(
			"ID sync data source 2000 is not DPID 1000's own and has not been granted to it by the operator",
		);
	});

	it("a grant revoked between discovery and the split refuses the file whole: nothing reaches that source", async () => {
		await seedPartner({ dpid: 2000 });
		await grantSource(env.DB, 1000, 2000, 0);
		const id = `adobe_id_0_1000_2000_${T}.sync`;
		await upload(`1000/inbound/${id}`, `${U1}\ta1\tb1\n${U2}\ta2\tb2\n`);
		await discoverDeliveries(env, Date.now() + 120_000);
		await revokeSource(env.DB, 1000, 2000);
		await runDeliverySteps(env, id);
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		expect(receipt).toMatchObject({ "Records received": 1, "Format Errors": 1, "Stored Records": 0 });
		expect(receipt?.["Sample lines"].formatErrors).toEqual([
			`line 1: ${id}: ID sync data source 2000 is not DPID 1000's own and has not been granted to it by the operator (checked as the file was applied)`,
		]);
		expect(await pairStoreOf(env).uuidsOfPartnerIds(2000, ["b1", "b2"])).toEqual(new Map());
		expect(await pairStoreOf(env).uuidsOfPartnerIds(1000, ["a1", "a2"])).toEqual(new Map());
	});

	it("file-based ID sync writes pairs", async () => {
		await seedPartner({ dpid: 2000 });
		await upload(`2000/inbound/adobe_id_0_2000_${T}.sync`, `${U1}\tq1\n${"3".repeat(38)}\tq2\nnot-a-uuid\tq3\n`);
		const delivery = await processDelivery(`adobe_id_0_2000_${T}.sync`);
		expect(delivery?.receipt).toMatchObject({ "Records received": 3, "Stored Records": 2, "Invalid AAM ID": 1 });
		const held = await pairStoreOf(env).uuidsOfPartnerIds(2000, ["q1", "q2", "q3"]);
		expect([...held]).toEqual([
			["q1", U1],
			["q2", "3".repeat(38)],
		]);
	});
	it("an ID-sync file of UUIDs: a UUID that opted out gets no pair, the others do", async () => {
		await seedPartner({ dpid: 2000 });
		await pairStoreOf(env).forgetVisitor(U2, 5);
		const id = `adobe_id_0_2000_${T}.sync`;
		await upload(`2000/inbound/${id}`, `${U1}\tq1\n${U2}\tq2\n${U2}\tq3\n`);
		const receipt = (await processDelivery(id))?.receipt;
		expect(receipt).toMatchObject({
			"Records received": 3,
			"No Matching AAM ID": 2,
			"Stored Records": 1,
			"Total devices": 1,
		});
		expect(receipt?.["Sample lines"].noMatchingId).toEqual([`line 2: ${U2}\tq2`, `line 3: ${U2}\tq3`]);
		expectAddsUp(receipt);
		expect([...(await pairStoreOf(env).uuidsOfPartnerIds(2000, ["q1", "q2", "q3"]))]).toEqual([["q1", U1]]);
		expect((await pairStoreOf(env).visitor(U2)).pairs).toEqual([]);
	});
});

describe("the operator's caps, counted in the receipt after AAM's fields", () => {
	it("signals over the per-line cap (10,000 by default) are counted, not read, and the split is retried exactly", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}`, `p1\t${"1,".repeat(10_004)}2\np2\t3\n`);
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, workflowIdOf(id));
		await instance.modify(async (m) => {
			await m.disableRetryDelays();
			await m.mockStepError({ name: "split part 0" }, new Error("worker crashed"), 1);
		});
		await runCron();
		await instance.waitForStatus("complete");
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		expect(receipt).toMatchObject({
			"Records received": 2,
			"Stored Records": 2,
			"Total signals": 10_001,
			"Total realized traits": 2,
			"Signals over the per-line cap": 5,
			"Files cut at the size cap": 0,
		});
		expect(receipt?.["Sample lines"].signalsOverCap).toEqual([
			`line 1: ${`5 signals after the first 10000 not read: p1\t${"1,".repeat(10_004)}`.slice(0, 200)}`,
		]);
		// Trait 2 came after the cap: never read, never applied.
		expect(await traitIdsOf(U1)).toEqual([1]);
		const keys = Object.keys(receipt ?? {});
		expect(keys.indexOf("Signals over the per-line cap")).toBeGreaterThan(keys.indexOf("Job end time"));
	});

	it("a file over the size cap is read up to it, the rest counted as not read; a retried split counts the same", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}.1`, "p1\t1\np2\t2\np1\t3\n"); // 3 lines of 5 bytes
		await upload(`1000/inbound/${id}.2.gz`, "p2\t4\np1\t5\n");
		await discoverDeliveries(env, Date.now() + 120_000);
		const capped = { ...env, INBOUND_MAX_FILE_BYTES: "14" };
		const first = await splitPart(capped, id, 0, { line: 1, piece: 0 });
		const retried = await splitPart(capped, id, 0, { line: 1, piece: 0 });
		expect(retried).toEqual(first);
		expect(first.next).toEqual({ line: 3, piece: 1 });
		const piece0 = "work/inbound/ftp_dpm_1000_1790000000.sync/000000.ndjson";
		expect(await env.EXCHANGE.head(piece0)).not.toBeNull();
		expect(first.tally.counts.filesCut).toBe(1);
		expect(first.tally.samples.filesCut).toEqual([
			{
				line: 3,
				why: "size cap of 14 bytes: read through line 2 (10 bytes), the rest (5 bytes) not read: ftp_dpm_1000_1790000000.sync.1",
			},
		]);
		expect(first.tally.fileCut).toEqual({ afterLine: 2, bytesRead: 10, maxBytes: 14 });
		const run = await runDeliverySteps(capped, id);
		expect(run.splits[0]).toEqual(first);
		expect(run.pieces).toBe(2);
		expect((await findDelivery(env.DB, id))?.receipt).toMatchObject({
			"Records received": 4,
			"Stored Records": 4,
			"Files cut at the size cap": 1,
			"Signals over the per-line cap": 0,
			"Sample lines": {
				filesCut: [
					"line 3: size cap of 14 bytes: read through line 2 (10 bytes), the rest (5 bytes) not read: ftp_dpm_1000_1790000000.sync.1",
				],
			},
		});
		// p1's third line (trait 3) was past the cap; the second part was read whole.
		expect(await traitIdsOf(U1)).toEqual([1, 5]);
		expect(await traitIdsOf(U2)).toEqual([2, 4]);
		expect(await env.EXCHANGE.head(piece0)).toBeNull();
		expect((await env.EXCHANGE.list({ prefix: "work/inbound/" })).objects).toEqual([]);
	});
});

describe("gzip whose compressed bytes make no content", () => {
	it("a file of empty gzip members is one format error naming the rule; the lines before it count", async () => {
		const gzip = async (text: string) =>
			new Uint8Array(
				await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
			);
		const empty = await gzip("");
		const file = new Uint8Array([
			...(await gzip("p1\t1\n")),
			...Array.from({ length: 5_000 }, () => [...empty]).flat(),
		]);
		await env.EXCHANGE.put(`1000/inbound/ftp_dpm_1000_${T}.sync.gz`, file);
		const receipt = (await processDelivery(`ftp_dpm_1000_${T}.sync`))?.receipt;
		expect(receipt).toMatchObject({ "Records received": 2, "Format Errors": 1, "Stored Records": 1 });
		expect(receipt?.["Sample lines"].formatErrors).toEqual([
			"line 2: ftp_dpm_1000_1790000000.sync.gz: too many gzip members: member 1001 after 5 bytes of content (at most 1000, then 1 per 4096 bytes); rest not read: gzip it as one stream",
		]);
		expectAddsUp(receipt);
		expect(await traitIdsOf(U1)).toEqual([1]);
	});
});

describe("pieces and groups: every line of a user in one group step", () => {
	// Tiny pieces (the setting's minimum) so a few hundred lines span many pieces.
	const small = (linesPerGroup: number) => ({
		...env,
		INBOUND_PIECE_BYTES: "1024",
		INBOUND_LINES_PER_GROUP: String(linesPerGroup),
	});
	const others = (from: number, count: number) =>
		Array.from({ length: count }, (_, i) => `other${from + i}\t1`).join("\n");

	it("an .overwrite user whose lines sit in different pieces and parts keeps the traits of all of them", async () => {
		await pairStoreOf(env).applyTraits(
			{ key: "before", source: 1000, cleared: [], effects: [{ uuid: U1, trait: 1, add: true }] },
			[],
			1,
		);
		const id = `ftp_dpm_1000_${T}.overwrite`;
		await upload(`1000/inbound/${id}.1`, `p1\t2\n${others(0, 100)}\np1\t3\n`);
		await upload(`1000/inbound/${id}.2`, `${others(100, 100)}\np1\t4\n`);
		await discoverDeliveries(env, Date.now() + 120_000);
		const run = await runDeliverySteps(small(50), id);
		expect(run.pieces).toBeGreaterThan(4);
		expect(run.groups.length).toBeGreaterThan(1);
		// Cleared once (trait 1 gone), by p1's first line; its later lines add to it.
		expect(await traitIdsOf(U1)).toEqual([2, 3, 4]);
		expect((await findDelivery(env.DB, id))?.receipt).toMatchObject({
			"Records received": 203,
			"Stored Records": 3,
			"No Matching AAM ID": 200,
			"Total devices": 1,
			"Total removed traits": 1,
		});
		expect((await env.EXCHANGE.list({ prefix: "work/inbound/" })).objects).toEqual([]);
	});

	it("the 200-lines rule and the distinct counts are exact across pieces, parts and groups", async () => {
		const users = Array.from({ length: 30 }, (_, i) => `u${i}`);
		await pairStoreOf(env).upsert(
			users.map((u, i) => ({ dpid: 1000, dpuuid: u, uuid: String(i + 10).repeat(19), at: 1 })),
		);
		// Each user has 210 lines, spread over both parts; u0 also names a trait of another source.
		await seedPartner({ dpid: 2000 });
		await putTrait(env.DB, { id: 9, dpid: 2000, name: "other source", rule: null }, 0);
		const lines = (part: number) =>
			Array.from({ length: 105 }, (_, round) =>
				users.map((u) => `${u}\t${u === "u0" && round === 0 && part === 1 ? "9,1" : "1"}`),
			)
				.flat()
				.join("\n");
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}.1`, lines(1));
		await upload(`1000/inbound/${id}.2.gz`, lines(2));
		await discoverDeliveries(env, Date.now() + 120_000);
		const run = await runDeliverySteps(small(500), id);
		expect(run.groups.length).toBeGreaterThan(3);
		expect(run.groups.reduce((n, g) => n + g.lines, 0)).toBe(30 * 210);
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		expect(receipt).toMatchObject({
			"Records received": 6300,
			"Format Errors": 300,
			"Stored Records": 6000,
			"Total devices": 30,
			"Total users that have traits which failed validation": 1,
		});
		// The earliest over-limit lines of the file, whatever group met them first.
		const over = receipt?.["Sample lines"].formatErrors?.map((l) => Number(/^line (\d+)/.exec(l)?.[1]));
		expect(over).toEqual(Array.from({ length: 10 }, (_, i) => 6001 + i));
	});

	it("an ID-sync file counts each DPID ID once, wherever its rows are", async () => {
		await seedPartner({ dpid: 2000 });
		const rows = Array.from({ length: 300 }, (_, i) => `${i % 2 ? U1 : U2}\tq${i % 50}`).join("\n");
		const id = `adobe_id_0_2000_${T}.sync`;
		await upload(`2000/inbound/${id}`, rows);
		await discoverDeliveries(env, Date.now() + 120_000);
		const run = await runDeliverySteps(small(60), id);
		expect(run.groups.length).toBeGreaterThan(1);
		expect((await findDelivery(env.DB, id))?.receipt).toMatchObject({ "Records received": 300, "Total devices": 50 });
	});
});

describe("a read of the file that fails mid-file is retried, never counted as damage", () => {
	// Long IDs, so that the file fills several pieces (64 KiB in the tests) before the failure.
	const users = Array.from({ length: 1_500 }, (_, i) => `vendor-user-${String(i).padStart(30, "0")}`);
	const uuidOf = (i: number) => String(1_000_000 + i).padStart(38, "9");
	/** Each user three times: trait 1, then (after every user) 2, then 3; the last third comes last. */
	const text = `${[1, 2, 3].flatMap((trait) => users.map((u) => `${u}\t${trait}`)).join("\n")}\n`;
	const id = `ftp_dpm_1000_${T}.sync`;
	const fileKey = `1000/inbound/${id}`;
	const piecesOf = async () => (await env.EXCHANGE.list({ prefix: `work/inbound/${id}/` })).objects.map((o) => o.key);

	beforeEach(async () => {
		await pairStoreOf(env).upsert(users.map((u, i) => ({ dpid: 1000, dpuuid: u, uuid: uuidOf(i), at: 1 })));
		await upload(fileKey, text);
	});

	/** What the receipt says when every line of the file was applied once. */
	const everyLineOnce = {
		"Records received": 4_500,
		"Format Errors": 0,
		"No Matching AAM ID": 0,
		"Stored Records": 4_500,
		"Total devices": 1_500,
		"Total signals": 4_500,
		"Total realized traits": 4_500,
		"Files cut at the size cap": 0,
	};

	async function expectEveryLineApplied() {
		const receipt = (await findDelivery(env.DB, id))?.receipt;
		expect(receipt).toMatchObject(everyLineOnce);
		expectAddsUp(receipt);
		// Trait 3 is in the file's last third, past the failure: a dropped rest would leave it out.
		for (const i of [0, 749, 1_499]) expect(await traitIdsOf(uuidOf(i))).toEqual([1, 2, 3]);
	}

	it("a split step whose read fails throws; its retry rewrites the same pieces and D1 rows, no more", async () => {
		await discoverDeliveries(env, Date.now() + 120_000);
		const bucket = failingOnce(env.EXCHANGE, fileKey, Math.floor(text.length * 0.6));
		const attempt = splitPart({ ...env, EXCHANGE: bucket.bucket }, id, 0, { line: 1, piece: 0 });
		await expect(attempt).rejects.toThrow(SourceReadError);
		await expect(attempt).rejects.toThrow("reading the file failed: Network connection lost.");
		expect(bucket.failed()).toBe(true);
		// The failed attempt wrote pieces (64 KiB each in the tests) before the read failed.
		const written = await piecesOf();
		expect(written.length).toBeGreaterThan(1);
		expect(await pieceRows(id)).toBe(written.length);

		const retried = await splitPart(env, id, 0, { line: 1, piece: 0 });
		expect(retried.next.line).toBe(4_501);
		expect(retried.tally.fileError).toBeNull();
		expect(retried.next.piece).toBeGreaterThan(written.length);
		// The same keys and rows overwritten, then the rest: one piece and one row per piece number.
		expect(await piecesOf()).toEqual(
			Array.from({ length: retried.next.piece }, (_, n) => `work/inbound/${id}/${String(n).padStart(6, "0")}.ndjson`),
		);
		expect(await pieceRows(id)).toBe(retried.next.piece);
		// A retry of a step that did not fail splits the same again.
		expect(await splitPart(env, id, 0, { line: 1, piece: 0 })).toEqual(retried);

		const run = await runDeliverySteps(env, id);
		expect(run.splits[0]).toEqual(retried);
		expect(run.groups.reduce((n, g) => n + g.lines, 0)).toBe(4_500);
		await expectEveryLineApplied();
		expect(await piecesOf()).toEqual([]);
	});

	it("through the Workflow: the split step fails once, is retried, and the delivery applies every line", async () => {
		const bucket = failingOnce(env.EXCHANGE, fileKey, Math.floor(text.length * 0.6));
		const real = env.EXCHANGE;
		// The Workflow reads the Env the Worker was given, which is this one.
		(env as { EXCHANGE: R2Bucket }).EXCHANGE = bucket.bucket;
		try {
			const delivery = await processDelivery(id);
			expect(delivery?.status).toBe("done");
		} finally {
			(env as { EXCHANGE: R2Bucket }).EXCHANGE = real;
		}
		expect(bucket.failed()).toBe(true);
		await expectEveryLineApplied();
		expect(await piecesOf()).toEqual([]);
		expect((await env.EXCHANGE.list({ prefix: "work/processed/" })).objects.map((o) => o.key)).toEqual([
			expect.stringContaining(id),
		]);
	});
});

/** Pieces of `delivery` whose bucket starts D1 holds (what the group steps read). */
async function pieceRows(delivery: string): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM inbound_pieces WHERE delivery_id = ?1")
		.bind(delivery)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

/**
 * The real exchange bucket, whose body of `key` fails once, `afterBytes` into the file, as a connection
 * lost mid-read does (handed on in 1 KiB chunks until then); every other read is the bucket's own.
 */
function failingOnce(real: R2Bucket, key: string, afterBytes: number) {
	let failed = false;
	const get = async (...args: Parameters<R2Bucket["get"]>) => {
		const object = await real.get(...args);
		if (failed || args[0] !== key || object === null || !("body" in object)) return object;
		failed = true;
		const body = failingAfter(object.body, afterBytes);
		return new Proxy(object, {
			get: (target, prop) => (prop === "body" ? body : bound(target, prop)),
		});
	};
	const bucket = new Proxy(real, { get: (target, prop) => (prop === "get" ? get : bound(target, prop)) });
	return { bucket, failed: () => failed };
}

function bound<T extends object>(target: T, prop: string | symbol): unknown {
	const value = Reflect.get(target, prop);
	return typeof value === "function" ? value.bind(target) : value;
}

function failingAfter(body: ReadableStream<Uint8Array>, afterBytes: number): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	let pending: Uint8Array = new Uint8Array(0);
	let sent = 0;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (sent >= afterBytes) {
				await reader.cancel();
				return controller.error(new Error("Network connection lost."));
			}
			if (pending.length === 0) {
				const r = await reader.read();
				if (r.done) return controller.close();
				pending = r.value;
			}
			const chunk = pending.subarray(0, Math.min(1_024, afterBytes - sent));
			pending = pending.subarray(chunk.length);
			sent += chunk.length;
			controller.enqueue(chunk);
		},
		cancel: (reason) => reader.cancel(reason),
	});
}

describe("receipt e-mail", () => {
	it("a failing send is retried by the workflow and the receipt is kept meanwhile", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await upload(`1000/inbound/${id}`, "p1\t1\n");
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, workflowIdOf(id));
		await instance.modify(async (m) => {
			await m.disableRetryDelays();
			await m.mockStepError({ name: "email" }, new Error("mail provider down"), 3);
		});
		await runCron();
		await instance.waitForStatus("complete");
		expect(await instance.waitForStepResult({ name: "email" })).toEqual({ sent: 2 });
		expect((await findDelivery(env.DB, id))?.receipt?.["Stored Records"]).toBe(1);
	});
});

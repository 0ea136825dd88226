import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { inboundWorkflowId as workflowIdOf } from "../../batch/workflows";
import { call } from "./support/edge";
import { runCron, upload } from "./support/inbound";
import { seedPartnersWithKeys } from "./support/partners";

const T = 1_790_000_000;
let key1000: string;
let key2000: string;

beforeEach(async () => {
	({ 1000: key1000, 2000: key2000 } = await seedPartnersWithKeys(1000, 2000));
	// Rejected deliveries get their receipt at once, without a workflow.
	await upload(`1000/inbound/ftp_dpm_1000_${T}.sync`, "");
	await env.DB.prepare(
		"INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at) VALUES (?1, 2000, 'traits', 'sync', ?2, '[]', 'done', '{\"Stored records\":3}', 1)",
	)
		.bind(`ftp_dpm_2000_${T}.sync`, T)
		.run();
});

const get = (path: string, key: string) => call(`/api/v1${path}`, { headers: { Authorization: `Bearer ${key}` } });

describe("inbound files and receipts through the API", () => {
	it("the operator sees every delivery", async () => {
		const res = await get("/inbound-files", "test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD");
		const body = await res.json<{ deliveries: Array<{ id: string }> }>();
		expect(body.deliveries.map((d) => d.id)).toEqual([`ftp_dpm_2000_${T}.sync`]);
	});

	it("a partner sees only its own deliveries and receipts", async () => {
		const own = await (await get("/inbound-files", key2000)).json<{ deliveries: Array<{ id: string }> }>();
		expect(own.deliveries.map((d) => d.id)).toEqual([`ftp_dpm_2000_${T}.sync`]);
		const one = await get(`/inbound-files/ftp_dpm_2000_${T}.sync`, key2000);
		expect(one.status).toBe(200);
		expect(await one.json()).toMatchObject({ id: "ftp_dpm_2000_1790000000.sync", fileTimestampSeconds: 1_790_000_000 });
		const theirs = await (await get("/inbound-files", key1000)).json<{ deliveries: unknown[] }>();
		expect(theirs.deliveries).toEqual([]);
		expect((await get(`/inbound-files/ftp_dpm_2000_${T}.sync`, key1000)).status).toBe(404);
		expect((await get("/inbound-files?dpid=2000", key1000)).status).toBe(404);
	});

	it("an empty file (put with the S3 API) is processed into a receipt with zero records", async () => {
		const id = `ftp_dpm_1000_${T}.sync`;
		await using instance = await introspectWorkflowInstance(env.INBOUND_WORKFLOW, workflowIdOf(id));
		await runCron();
		await instance.waitForStatus("complete");
		const res = await get(`/inbound-files/${id}`, key1000);
		expect(await res.json()).toMatchObject({ status: "done", receipt: { "Records received": 0, "Stored records": 0 } });
	});
});

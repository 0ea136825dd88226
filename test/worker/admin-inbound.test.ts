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
		"INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at) VALUES (?1, 2000, 'traits', 'sync', ?2, '[]', 'done', '{\"Stored Records\":3}', 1)",
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
		expect(await res.json()).toMatchObject({ status: "done", receipt: { "Records received": 0, "Stored Records": 0 } });
	});
});

describe("receipts written before AAM's labels (migration 0016)", () => {
	it("are served with AAM's labels, in AAM's order, their counts and additions kept", async () => {
		const old = {
			Delivery: `ftp_dpm_2000_${T + 1}.sync`,
			Status: "done",
			"File name(s)": [`ftp_dpm_2000_${T + 1}.sync`],
			"Records received": 4,
			"Format errors": 1,
			"Invalid IDs": 0,
			"No matching ID": 1,
			"No trait realized": 0,
			"Records processed": 4,
			"Stored records": 2,
			"Total devices": 2,
			"Total signals": 5,
			"Total unused signals": 1,
			"Total realized traits": 4,
			"Total removed traits": 0,
			"Total traits failed validation": 0,
			"Users with traits that failed validation": 0,
			"Job start time": "2026-11-28 09:05:07",
			"Job end time": "2026-11-28 09:06:00",
			"Signals over the per-line cap": 0,
			"Files cut at the size cap": 0,
			"Sample lines": { formatErrors: ["line 4: no TAB between user ID and signals: bad"] },
		};
		await env.DB.prepare(
			"INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at) VALUES (?1, 2000, 'traits', 'sync', ?2, '[]', 'done', ?3, 2)",
		)
			.bind(old.Delivery, T + 1, JSON.stringify(old))
			.run();
		const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0016_"));
		for (const query of migration?.queries ?? []) await env.DB.prepare(query).run();

		const res = await get(`/inbound-files/${old.Delivery}`, key2000);
		const { receipt } = await res.json<{ receipt: Record<string, unknown> }>();
		expect(Object.entries(receipt ?? {})).toEqual([
			["File name", old["File name(s)"]],
			["Records received", 4],
			["Format Errors", 1],
			["Invalid AAM ID", 0],
			["No Matching AAM ID", 1],
			["No Trait Realized", 0],
			["Records processed", 4],
			["Stored Records", 2],
			["Total devices", 2],
			["Total signals", 5],
			["Total unused signals", 1],
			["Total realized traits", 4],
			["Total removed traits", 0],
			["Total traits failed validation", 0],
			["Total users that have traits which failed validation", 0],
			["Job start time", "2026-11-28 09:05:07"],
			["Job end time", "2026-11-28 09:06:00"],
			["Delivery", old.Delivery],
			["Status", "done"],
			["Signals over the per-line cap", 0],
			["Files cut at the size cap", 0],
			["Sample lines", old["Sample lines"]],
		]);
	});
});

// POST /api/v1/exchange/migrate-layout: objects of the old shared layout move into the partners'
// prefixes, a page at a time, and what cannot move safely stays and is named.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { discoverDeliveries } from "../../batch/inbound/discover";
import { call } from "./support/edge";
import { upload } from "./support/inbound";
import { seedPartnersWithKeys } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD" };
const T = 1_790_000_000;
let key1000: string;

async function delivery(id: string, status: string) {
	await env.DB.prepare(
		`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at)
		 VALUES (?1, 1000, 'traits', 'sync', 1, ?2, ?3, 1)`,
	)
		.bind(id, JSON.stringify([`inbound/${id}`]), status)
		.run();
}

beforeEach(async () => {
	({ 1000: key1000 } = await seedPartnersWithKeys(1000));
	await upload(`inbound/ftp_dpm_1000_${T}.sync`, "new\t1\n");
	await upload(`inbound/ftp_dpm_1000_${T - 60}.sync`, "done\t1\n");
	await delivery(`ftp_dpm_1000_${T - 60}.sync`, "done");
	await upload(`inbound/ftp_dpm_1000_${T - 120}.sync`, "running\t1\n");
	await delivery(`ftp_dpm_1000_${T - 120}.sync`, "running");
	await upload("inbound/segments.csv", "x");
	await upload(`outbound/1000/R2_1_1000_full_${T}000.sync`, "pa\t10\n");
	await upload(`receipts/1000/ftp_dpm_1000_${T - 60}.sync.json`, "{}");
});

type Page = {
	moved: Array<{ from: string; to: string }>;
	left: Array<{ key: string; reason: string }>;
	next: string | null;
};

async function migrate(after: string | null, limit = 2): Promise<Page> {
	const query = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
	const res = await call(`/api/v1/exchange/migrate-layout?${query}`, { method: "POST", headers: ADMIN });
	expect(res.status).toBe(200);
	return res.json();
}

describe("POST /api/v1/exchange/migrate-layout", () => {
	it("moves the old layout into the partners' prefixes, page by page, leaving what cannot move yet", async () => {
		const moved: Page["moved"] = [];
		const left: Page["left"] = [];
		let next: string | null = null;
		let calls = 0;
		do {
			const page = await migrate(next);
			moved.push(...page.moved);
			left.push(...page.left);
			next = page.next;
			calls++;
		} while (next !== null);
		expect(calls).toBe(4);
		expect(moved).toEqual([
			{
				from: `inbound/ftp_dpm_1000_${T - 60}.sync`,
				to: `work/processed/1000/ftp_dpm_1000_${T - 60}.sync/ftp_dpm_1000_${T - 60}.sync`,
			},
			{ from: `inbound/ftp_dpm_1000_${T}.sync`, to: `1000/inbound/ftp_dpm_1000_${T}.sync` },
			{ from: `outbound/1000/R2_1_1000_full_${T}000.sync`, to: `1000/outbound/R2_1_1000_full_${T}000.sync` },
			{ from: `receipts/1000/ftp_dpm_1000_${T - 60}.sync.json`, to: `1000/receipts/ftp_dpm_1000_${T - 60}.sync.json` },
		]);
		expect(left).toEqual([
			{
				key: `inbound/ftp_dpm_1000_${T - 120}.sync`,
				reason: `delivery ftp_dpm_1000_${T - 120}.sync is running; run the migration again once it is finished`,
			},
			{
				key: "inbound/segments.csv",
				reason: expect.stringMatching(/^not an inbound file name \(name matches neither/),
			},
		]);
		expect((await env.EXCHANGE.list()).objects.map((o) => o.key)).toEqual([
			`1000/inbound/ftp_dpm_1000_${T}.sync`,
			`1000/outbound/R2_1_1000_full_${T}000.sync`,
			`1000/receipts/ftp_dpm_1000_${T - 60}.sync.json`,
			`inbound/ftp_dpm_1000_${T - 120}.sync`,
			"inbound/segments.csv",
			`work/processed/1000/ftp_dpm_1000_${T - 60}.sync/ftp_dpm_1000_${T - 60}.sync`,
		]);
		expect(await (await env.EXCHANGE.get(`1000/outbound/R2_1_1000_full_${T}000.sync`))?.text()).toBe("pa\t10\n");
		// The file that was never applied is now where discovery looks.
		expect((await discoverDeliveries(env, Date.now() + 120_000)).added).toEqual([`ftp_dpm_1000_${T}.sync`]);
	});

	it("is safe to run again: nothing left to move is moved twice", async () => {
		await migrate(null, 100);
		const again = await migrate(null, 100);
		expect(again.moved).toEqual([]);
		expect(again.left.map((l) => l.key)).toEqual([`inbound/ftp_dpm_1000_${T - 120}.sync`, "inbound/segments.csv"]);
		expect(again.next).toBeNull();
	});

	it("is for the operator only", async () => {
		const res = await call("/api/v1/exchange/migrate-layout", {
			method: "POST",
			headers: { Authorization: `Bearer ${key1000}` },
		});
		expect(res.status).toBe(401);
		expect(await env.EXCHANGE.head(`inbound/ftp_dpm_1000_${T}.sync`)).not.toBeNull();
	});
});

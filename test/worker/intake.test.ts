import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { grantSource } from "../../core/grants/store";
import { createPartnerKey } from "../../worker/auth/partner-keys";
import { revokePartnerKey } from "../../worker/auth/store";
import { call } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

const T = 1_790_000_000;
let key1000: string;
let key2000: string;

beforeEach(async () => {
	({ 1000: key1000, 2000: key2000 } = await seedPartnersWithKeys(1000, 2000));
});

const put = (name: string, body: BodyInit | null, key?: string, headers: Record<string, string> = {}) =>
	call(`/exchange/inbound/${name}`, {
		method: "PUT",
		body,
		headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers },
	});

describe("PUT /exchange/inbound/<file name>", () => {
	it("streams the partner's file into its own inbound area", async () => {
		const res = await put(`ftp_dpm_1000_${T}.sync`, "p1\t1\n", key1000);
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ key: `1000/inbound/ftp_dpm_1000_${T}.sync`, size: 5 });
		expect(await (await env.EXCHANGE.get(`1000/inbound/ftp_dpm_1000_${T}.sync`))?.text()).toBe("p1\t1\n");
		expect((await env.EXCHANGE.list()).objects.map((o) => o.key)).toEqual([`1000/inbound/ftp_dpm_1000_${T}.sync`]);
	});

	it("refuses a second upload of the same file", async () => {
		await put(`ftp_dpm_1000_${T}.sync`, "p1\t1\n", key1000);
		const again = await put(`ftp_dpm_1000_${T}.sync`, "p1\t2\n", key1000);
		expect(again.status).toBe(409);
		expect(await (await env.EXCHANGE.get(`1000/inbound/ftp_dpm_1000_${T}.sync`))?.text()).toBe("p1\t1\n");
	});

	it.each([
		["no key", `ftp_dpm_1000_${T}.sync`, undefined, 401],
		["a malformed key", `ftp_dpm_1000_${T}.sync`, "es_nope", 401],
		[
			"the admin token (uploads are a partner's)",
			`ftp_dpm_1000_${T}.sync`,
			"test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD",
			401,
		],
		["another partner's file", `ftp_dpm_2000_${T}.sync`, "key1000", 403],
		["a bad name", "segments.csv", "key1000", 400],
		["a 9-digit timestamp", "ftp_dpm_1000_179000000.sync", "key1000", 400],
		["a path", "..%2Fetc%2Fpasswd", "key1000", 400],
	])("refuses %s", async (_what, name, key, status) => {
		const presented = key === "key1000" ? key1000 : key;
		const res = await put(name, "p1\t1\n", presented);
		expect(res.status).toBe(status);
		expect(await res.json()).toHaveProperty("error");
		expect((await env.EXCHANGE.list()).objects).toEqual([]);
	});

	it("refuses an empty file and a body without a length", async () => {
		expect((await put(`ftp_dpm_1000_${T}.sync`, "", key1000)).status).toBe(400);
		// A stream of unknown length is sent chunked, without Content-Length.
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const writer = writable.getWriter();
		void writer.write(new TextEncoder().encode("p1\t1\n")).then(() => writer.close());
		const res = await call(`/exchange/inbound/ftp_dpm_1000_${T}.sync`, {
			method: "PUT",
			body: readable,
			headers: { Authorization: `Bearer ${key1000}` },
		});
		expect(res.status).toBe(411);
	});

	it("refuses a revoked key", async () => {
		const { key, secret } = await createPartnerKey(env.DB, 2000, "old", Date.now());
		await revokePartnerKey(env.DB, 2000, key.id, Date.now());
		expect((await put(`ftp_dpm_2000_${T}.sync`, "x\t1\n", secret)).status).toBe(401);
		expect((await put(`ftp_dpm_2000_${T}.sync`, "x\t1\n", key2000)).status).toBe(201);
	});
});

describe("data sources an upload may name", () => {
	it("refuses a target or master data source that is neither the uploader's own nor granted (403 naming it)", async () => {
		for (const [name, source] of [
			[`ftp_dpm_1000_2000_${T}.sync`, "target data source 2000"],
			[`adobe_id_2000_1000_${T}.sync`, "master data source 2000"],
			// A DPID nobody has gets the same answer: no hint of which partners exist.
			[`ftp_dpm_1000_9999_${T}.sync`, "target data source 9999"],
		] as const) {
			const res = await put(name, "p1\t1\n", key1000);
			expect(res.status).toBe(403);
			expect(((await res.json()) as { error: string }).error).toBe(
				`${source} is not DPID 1000's own and has not been granted to it by the operator`,
			);
		}
		expect((await env.EXCHANGE.list()).objects).toEqual([]);
	});

	it("accepts them once the operator granted the source, and master DPID 0 (edgesync UUIDs) always", async () => {
		await grantSource(env.DB, 1000, 2000, 0);
		expect((await put(`ftp_dpm_1000_2000_${T}.sync`, "p1\t1\n", key1000)).status).toBe(201);
		expect((await put(`adobe_id_2000_1000_${T}.sync`, "a\tb\n", key1000)).status).toBe(201);
		expect((await put(`adobe_id_0_1000_${T}.sync`, `${"1".repeat(38)}\tb\n`, key1000)).status).toBe(201);
		// A grant is one way: 2000 may still not name 1000.
		expect((await put(`ftp_dpm_2000_1000_${T}.sync`, "p1\t1\n", key2000)).status).toBe(403);
	});

	it("refuses a name whose delivery or part was already received, even after its file left the inbound area", async () => {
		await env.DB.prepare(
			`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at, files_moved_at)
			 VALUES (?1, 1000, 'traits', 'sync', ?2, ?3, 'done', 1, 2)`,
		)
			.bind(`ftp_dpm_1000_${T}.sync`, T, JSON.stringify([`1000/inbound/ftp_dpm_1000_${T}.sync.1`]))
			.run();
		const refusals: Array<[string, string]> = [
			[
				`ftp_dpm_1000_${T}.sync`,
				`delivery ftp_dpm_1000_${T}.sync was already received (done); a delivery is processed once`,
			],
			[
				`ftp_dpm_1000_${T}.sync.1.gz`,
				`part 1 of delivery ftp_dpm_1000_${T}.sync was already received; a part is processed once`,
			],
		];
		for (const [name, error] of refusals) {
			const res = await put(name, "p1\t1\n", key1000);
			expect(res.status).toBe(409);
			expect(((await res.json()) as { error: string }).error).toBe(error);
		}
		// A part the delivery has not seen is taken: discovery applies it as a late part.
		expect((await put(`ftp_dpm_1000_${T}.sync.2.gz`, "p1\t1\n", key1000)).status).toBe(201);
		// Once that late part is recorded, sending it again is refused too.
		await env.DB.prepare(
			`INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, discovered_at, late_of)
			 VALUES (?1, 1000, 'traits', 'sync', ?2, '[]', 'pending', 1, ?3)`,
		)
			.bind(`ftp_dpm_1000_${T}.sync.3`, T, `ftp_dpm_1000_${T}.sync`)
			.run();
		const again = await put(`ftp_dpm_1000_${T}.sync.3`, "p1\t1\n", key1000);
		expect(again.status).toBe(409);
		expect(((await again.json()) as { error: string }).error).toBe(
			`part 3 of delivery ftp_dpm_1000_${T}.sync was already received; a part is processed once`,
		);
	});
});

describe("upload rate limit (UPLOADS_PER_PARTNER)", () => {
	it("answers 429 past 60 uploads a minute of one partner, counting refused ones; other partners are not affected", async () => {
		// A partner of its own: the limiter's counts outlive the storage reset between tests.
		// A fresh partner per window (see beyondLimit).
		const keys = await seedPartnersWithKeys(3000, 3001, 3002);
		const { limited, dpid } = await beyondLimit(
			60,
			async (i, attempt) => {
				const key = keys[(3000 + attempt) as 3000];
				expect((await put(`not-a-name-${i}.csv`, "x", key)).status).toBe(400);
			},
			async (attempt) => {
				const dpid = 3000 + attempt;
				return { dpid, limited: await put(`ftp_dpm_${dpid}_${T}.sync`, "p1\t1\n", keys[dpid as 3000]) };
			},
		);
		expect(limited.status).toBe(429);
		expect(((await limited.json()) as { error: string }).error).toBe(
			`too many uploads for DPID ${dpid}; try again in a minute`,
		);
		expect(await env.EXCHANGE.head(`${dpid}/inbound/ftp_dpm_${dpid}_${T}.sync`)).toBeNull();
		expect((await put(`ftp_dpm_2000_${T}.sync`, "p1\t1\n", key2000)).status).toBe(201);
	});
});

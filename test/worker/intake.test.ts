import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createPartnerKey, revokePartnerKey } from "../../worker/auth/partner-keys";
import { call } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";

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
	it("streams the partner's file into inbound/", async () => {
		const res = await put(`ftp_dpm_1000_${T}.sync`, "p1\t1\n", key1000);
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ key: `inbound/ftp_dpm_1000_${T}.sync`, size: 5 });
		expect(await (await env.EXCHANGE.get(`inbound/ftp_dpm_1000_${T}.sync`))?.text()).toBe("p1\t1\n");
	});

	it("refuses a second upload of the same file", async () => {
		await put(`ftp_dpm_1000_${T}.sync`, "p1\t1\n", key1000);
		const again = await put(`ftp_dpm_1000_${T}.sync`, "p1\t2\n", key1000);
		expect(again.status).toBe(409);
		expect(await (await env.EXCHANGE.get(`inbound/ftp_dpm_1000_${T}.sync`))?.text()).toBe("p1\t1\n");
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
		expect((await env.EXCHANGE.list({ prefix: "inbound/" })).objects).toEqual([]);
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

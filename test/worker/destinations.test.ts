import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DestinationInput } from "../../batch/outbound/destinations/schema";
import { putDestination } from "../../batch/outbound/destinations/store";
import { putSegment } from "../../batch/segments/store";
import { putTrait } from "../../batch/traits/store";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const put = (id: number, body: unknown) =>
	call(`/api/v1/destinations/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify(body) });

const destination = (overrides: Record<string, unknown> = {}) => ({
	dpid: 1000,
	name: "Acme daily",
	segments: [1],
	mode: "iter",
	schedule: "0 3 * * *",
	targets: {
		https: { url: "https://acme.example/inbound", secretBinding: "DELIVERY_ACME_TOKEN" },
		s3: {
			endpoint: "https://s3.acme.example",
			bucket: "acme-audiences",
			accessKeyBinding: "DELIVERY_ACME_S3_KEY",
			secretKeyBinding: "DELIVERY_ACME_S3_SECRET",
		},
	},
	...overrides,
});

beforeEach(async () => {
	await seedPartner({ dpid: 1000 });
	await putTrait(env.DB, { id: 101, dpid: 1000, name: "t", rule: null }, 0);
	await putSegment(env.DB, { id: 1, name: "s1", rule: "T101" }, 0);
});

describe("destinations admin API", () => {
	it("stores a destination with defaults, referring to target secrets by name only", async () => {
		const res = await put(7, destination());
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			id: 7,
			gzip: true,
			splitLines: 1_000_000,
			pidAlias: null,
			targets: {
				https: { secretHeader: "Authorization", secretBinding: "DELIVERY_ACME_TOKEN" },
				s3: { region: "auto", prefix: "" },
			},
		});
		const listed = await (await call("/api/v1/destinations?dpid=1000", { headers: ADMIN })).json<{
			destinations: unknown[];
		}>();
		expect(listed.destinations).toHaveLength(1);
		expect((await call("/api/v1/destinations/7", { method: "DELETE", headers: ADMIN })).status).toBe(204);
		expect((await call("/api/v1/destinations/7", { headers: ADMIN })).status).toBe(404);
	});

	it.each([
		["an unknown partner", { dpid: 4242 }, /no partner 4242/],
		["unknown segments", { segments: [1, 9, 10] }, /unknown segment ids 9, 10/],
		["no segments", { segments: [] }, /segments/],
		["a bad mode", { mode: "weekly" }, /mode/],
		["a bad schedule", { schedule: "every day" }, /five-field cron/],
		["a six-field schedule", { schedule: "0 0 3 * * *" }, /five-field cron/],
		["a minute out of range", { schedule: "61 * * * *" }, /minute: 61/],
		["a schedule that never fires (31 February)", { schedule: "0 0 31 2 *" }, /schedule.*never fires/],
		["a schedule that never fires (30 February)", { schedule: "0 0 30 2 *" }, /schedule.*never fires/],
		["a schedule that never fires (31 April)", { schedule: "0 0 31 4 *" }, /schedule.*never fires/],
		["a tiny split size", { splitLines: 10 }, /splitLines/],
		[
			"an S3 prefix that climbs out",
			{
				targets: {
					s3: {
						endpoint: "https://s3.example",
						bucket: "b1",
						prefix: "in/../../x/",
						accessKeyBinding: "DELIVERY_K",
						secretKeyBinding: "DELIVERY_S",
					},
				},
			},
			/'\.\.'/,
		],
		["a bad summary address", { summaryEmails: ["not-an-address"] }, /summaryEmails/],
		["a PID alias with an underscore", { pidAlias: "XYZ_Customer" }, /pidAlias.*between underscores/],
		[
			"a plain http endpoint",
			{ targets: { https: { url: "http://acme.example/x", secretBinding: "DELIVERY_T" } } },
			/https/,
		],
		[
			"a secret value instead of a name",
			{ targets: { https: { url: "https://a.example/", secretBinding: "s3cr3t value" } } },
			/NAME of a Worker secret/,
		],
		["an unknown kind of target", { targets: { ftp: {} } }, /targets/],
		["targets under their old name, delivery", { delivery: {} }, /delivery/],
	])("refuses %s with 400", async (_what, overrides, reason) => {
		const res = await put(7, destination(overrides));
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toMatch(reason);
	});

	it.each([
		"https://127.0.0.1/in",
		"https://2130706433/in",
		"https://0177.0.0.1/in",
		"https://0x7f.1/in",
		"https://127.1/in",
		"https://10.1.2.3/in",
		"https://169.254.169.254/latest/meta-data/",
		"https://100.64.0.1/in",
		"https://[::1]/in",
		"https://[::ffff:127.0.0.1]/in",
		"https://[fd00::1]/in",
		"https://[fe80::1]/in",
		"https://localhost/in",
		"https://api.localhost/in",
		"https://partner/in",
		"https://user:pass@partner.example/in",
	])("refuses the non-public target URL %s, as HTTPS endpoint and as S3 endpoint", async (url) => {
		const https = await put(7, destination({ targets: { https: { url, secretBinding: "DELIVERY_T" } } }));
		expect(https.status).toBe(400);
		expect(JSON.stringify(await https.json())).toMatch(/targets\.https\.url: (host|must not carry user info)/);
		const s3 = {
			endpoint: url,
			bucket: "b1",
			accessKeyBinding: "DELIVERY_K",
			secretKeyBinding: "DELIVERY_S",
		};
		const res = await put(7, destination({ targets: { s3 } }));
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toMatch(/targets\.s3\.endpoint: (host|must not carry user info)/);
		expect((await call("/api/v1/destinations/7", { headers: ADMIN })).status).toBe(404);
	});

	it.each(["ADMIN_TOKEN", "SESSION_SECRET", "FPID_SECRET", "OPERATOR_EMAIL", "DB", "ACME_TOKEN", "DELIVERY_"])(
		"refuses a secret binding named %s: only names reserved for target secrets (DELIVERY_…)",
		async (name) => {
			for (const targets of [
				{ https: { url: "https://acme.example/in", secretBinding: name } },
				{
					s3: {
						endpoint: "https://s3.acme.example",
						bucket: "b1",
						accessKeyBinding: name,
						secretKeyBinding: "DELIVERY_S",
					},
				},
				{
					s3: {
						endpoint: "https://s3.acme.example",
						bucket: "b1",
						accessKeyBinding: "DELIVERY_K",
						secretKeyBinding: name,
					},
				},
			]) {
				const res = await put(7, destination({ targets }));
				expect(res.status).toBe(400);
				expect(JSON.stringify(await res.json())).toMatch(/starting with DELIVERY_/);
			}
		},
	);

	it("accepts a schedule that fires only on leap days", async () => {
		const res = await put(7, destination({ schedule: "0 0 29 2 *" }));
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ schedule: "0 0 29 2 *" });
	});

	it("still reads back a destination stored with a schedule that never fires, before such schedules were refused", async () => {
		await putDestination(env.DB, 7, { ...DestinationInput.parse(destination()), schedule: "0 0 31 2 *" }, 0);
		const res = await call("/api/v1/destinations/7", { headers: ADMIN });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id: 7, schedule: "0 0 31 2 *" });
		expect((await call("/api/v1/destinations", { headers: ADMIN })).status).toBe(200);
	});

	it("is admin only", async () => {
		expect((await call("/api/v1/destinations")).status).toBe(401);
	});
});

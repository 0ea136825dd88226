// No existence oracle: asked by another partner, a run, a receipt, a key or a numbers page that exists
// is answered exactly like one that does not (404, never 403), on every partner-readable route.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, EDGE } from "./support/edge";
import { seedPartnersWithKeys } from "./support/partners";

const ADMIN = "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD";
const T = 1_790_000_000;
let keys: Record<1000 | 2000, string>;
let session1000: string;
let key2000Id: string;

beforeEach(async () => {
	keys = await seedPartnersWithKeys(1000, 2000);
	key2000Id = /^es_([A-Za-z0-9]{12})_/.exec(keys[2000])?.[1] ?? "";
	// What partner 2000 has: a processed delivery, a refused file's receipt, an outbound run.
	const insert = `INSERT INTO inbound_deliveries (id, dpid, kind, mode, file_timestamp_seconds, files, status, receipt, discovered_at)
		VALUES (?1, 2000, 'traits', 'sync', ?2, '[]', ?3, '{}', 1)`;
	await env.DB.prepare(insert).bind(`ftp_dpm_2000_${T}.sync`, T, "done").run();
	await env.DB.prepare(insert).bind("junk.csv@1790000000123", 0, "rejected").run();
	await env.DB.prepare(
		`INSERT INTO outbound_runs (id, destination_id, dpid, mode, trigger, timestamp, since, until, status, started_at)
		 VALUES ('1-1790000000000', 1, 2000, 'full', 'manual', 1790000000000, 0, 1, 'sent', 1)`,
	).run();
	const login = await call("/admin/login", {
		method: "POST",
		body: new URLSearchParams({ token: keys[1000] }),
		headers: { Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded" },
	});
	session1000 = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
});

type Who = "partner 1000" | "partner 1000 in the dashboard" | "operator";
interface Probe {
	what: string;
	who: Who;
	method?: string;
	/** Something of partner 2000 that exists, and the same kind of thing that does not; `$` is replaced. */
	path: string;
	existing: string;
	missing: string;
	status: number;
}

const PROBES: Probe[] = [
	{
		what: "a delivery's receipt",
		who: "partner 1000",
		path: "/api/v1/inbound-files/$",
		existing: `ftp_dpm_2000_${T}.sync`,
		missing: `ftp_dpm_2000_${T + 1}.sync`,
		status: 404,
	},
	{
		what: "a refused file's receipt",
		who: "partner 1000",
		path: "/api/v1/inbound-files/$",
		existing: "junk.csv@1790000000123",
		missing: "junk.csv@1790000000124",
		status: 404,
	},
	{
		what: "the receipts of a DPID",
		who: "partner 1000",
		path: "/api/v1/inbound-files?dpid=$",
		existing: "2000",
		missing: "9999",
		status: 404,
	},
	{
		what: "an outbound run",
		who: "partner 1000",
		path: "/api/v1/outbound-runs/$",
		existing: "1-1790000000000",
		missing: "1-1790000000001",
		status: 404,
	},
	{
		what: "the runs of a DPID",
		who: "partner 1000",
		path: "/api/v1/outbound-runs?dpid=$",
		existing: "2000",
		missing: "9999",
		status: 404,
	},
	{
		what: "a DPID's numbers",
		who: "partner 1000",
		path: "/api/v1/stats?dpid=$",
		existing: "2000",
		missing: "9999",
		status: 404,
	},
	{
		what: "a partner's keys",
		who: "partner 1000",
		path: "/api/v1/partners/$/keys",
		existing: "2000",
		missing: "9999",
		status: 401,
	},
	{
		what: "a receipt page",
		who: "partner 1000 in the dashboard",
		path: "/admin/inbound/$",
		existing: `ftp_dpm_2000_${T}.sync`,
		missing: `ftp_dpm_2000_${T + 1}.sync`,
		status: 404,
	},
	{
		what: "a refused file's receipt page",
		who: "partner 1000 in the dashboard",
		path: "/admin/inbound/$",
		existing: "junk.csv%401790000000123",
		missing: "junk.csv%401790000000124",
		status: 404,
	},
	{
		what: "a run page",
		who: "partner 1000 in the dashboard",
		path: "/admin/runs/$",
		existing: "1-1790000000000",
		missing: "1-1790000000001",
		status: 404,
	},
	{
		what: "an upload in another DPID's name",
		who: "partner 1000",
		method: "PUT",
		path: "/exchange/inbound/$",
		existing: `ftp_dpm_2000_${T}.sync`,
		missing: `ftp_dpm_9999_${T}.sync`,
		status: 403,
	},
	{
		what: "an upload naming another data source",
		who: "partner 1000",
		method: "PUT",
		path: "/exchange/inbound/$",
		existing: `ftp_dpm_1000_2000_${T}.sync`,
		missing: `ftp_dpm_1000_9999_${T}.sync`,
		status: 403,
	},
	{
		what: "another partner's key, revoked under this DPID",
		who: "operator",
		method: "DELETE",
		path: "/api/v1/partners/1000/keys/$",
		existing: "KEY2000",
		missing: "AAAAAAAAAAAA",
		status: 404,
	},
];

async function ask(probe: Probe, subject: string): Promise<{ status: number; body: string }> {
	const headers = new Headers();
	if (probe.who === "partner 1000") headers.set("Authorization", `Bearer ${keys[1000]}`);
	if (probe.who === "operator") headers.set("Authorization", ADMIN);
	const res = await call(probe.path.replace("$", subject === "KEY2000" ? key2000Id : subject), {
		method: probe.method ?? "GET",
		headers,
		cookie: probe.who === "partner 1000 in the dashboard" ? session1000 : undefined,
		body: probe.method === "PUT" ? "p1\t1\n" : undefined,
	});
	// The only difference allowed is the caller's own words echoed back (the name it sent).
	const body = (await res.text()).replaceAll(subject, "<asked>").replace(/\b(2000|9999)\b/g, "<asked DPID>");
	return { status: res.status, body };
}

describe.each(PROBES)("$what, asked by $who", (probe) => {
	it(`answers ${probe.status} whether it exists or not, with the same words`, async () => {
		const existing = await ask(probe, probe.existing);
		const missing = await ask(probe, probe.missing);
		expect(existing.status).toBe(probe.status);
		expect(existing).toEqual(missing);
	});
});

describe("what a partner may see is still there for its owner", () => {
	it("partner 2000 reads its own receipt, refused-file receipt and run", async () => {
		const own = { Authorization: `Bearer ${keys[2000]}` };
		for (const path of [
			`/api/v1/inbound-files/ftp_dpm_2000_${T}.sync`,
			"/api/v1/inbound-files/junk.csv@1790000000123",
			"/api/v1/outbound-runs/1-1790000000000",
			"/api/v1/stats?dpid=2000",
		]) {
			expect((await call(path, { headers: own })).status).toBe(200);
		}
	});
});

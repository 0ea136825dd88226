import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostAllowed } from "../../worker/sync/redirect";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";

const ADMIN = { Authorization: "Bearer test-admin-token-9Qm2xK7vR4pL8sT1wZ6yB3nD", "Content-Type": "application/json" };
const partner = (redirectHosts: string[]) => ({ name: "Acme", redirectHosts });

// Public suffixes from the ICANN and the private section of the Public Suffix List, and names no one
// can register under (an unknown top-level name, an IP address).
const PUBLIC = [
	"com",
	"co.uk",
	"github.io",
	"workers.dev",
	"pages.dev",
	"blogspot.com",
	"s3.amazonaws.com",
	"kawasaki.jp",
	"internal",
	"10.0.0",
];
// Bases with a registrable domain: one owner's name.
const REGISTRABLE = ["example.com", "partner.co.uk", "cdn.acme.example", "alice.github.io", "city.kawasaki.jp"];

describe("redirect wildcards against the Public Suffix List, at partner creation and update", () => {
	it.each(PUBLIC)("*.%s is refused with a 400 that says why", async (suffix) => {
		const created = await call("/api/v1/partners", {
			method: "POST",
			headers: ADMIN,
			body: JSON.stringify({ dpid: 1000, ...partner(["acme.example", `*.${suffix}`]) }),
		});
		expect(created.status).toBe(400);
		const body = await created.json<{ details: string[] }>();
		expect(body.details.join(" ")).toMatch(/redirectHosts\.1: .*wildcard must be below a registrable domain/);

		await seedPartner({ dpid: 1000 });
		const replaced = await call("/api/v1/partners/1000", {
			method: "PUT",
			headers: ADMIN,
			body: JSON.stringify(partner([`*.${suffix}`])),
		});
		expect(replaced.status).toBe(400);
		const stored = await (await call("/api/v1/partners/1000", { headers: ADMIN })).json<{ redirectHosts: string[] }>();
		expect(stored.redirectHosts).toEqual([]);
	});

	it.each(REGISTRABLE)("*.%s is accepted", async (base) => {
		const created = await call("/api/v1/partners", {
			method: "POST",
			headers: ADMIN,
			body: JSON.stringify({ dpid: 1000, ...partner([`*.${base}`]) }),
		});
		expect(created.status).toBe(201);
		const replaced = await call("/api/v1/partners/1000", {
			method: "PUT",
			headers: ADMIN,
			body: JSON.stringify(partner(["acme.example", `*.${base}`])),
		});
		expect(replaced.status).toBe(200);
	});
});

describe("a stored wildcard over a public suffix never matches at request time", () => {
	it("an allow-list written before the check (straight into D1) cannot redirect under a public suffix", async () => {
		await seedPartner({ dpid: 1000, redirectHosts: ["*.co.uk", "*.github.io", "*.partner.co.uk"] });
		const redir = (url: string) => call(`/ibs:dpid=1000&dpuuid=a&redir=${encodeURIComponent(url)}`);
		for (const url of ["https://evil.co.uk/", "https://attacker.github.io/x"]) {
			const res = await redir(url);
			expect(res.status, url).toBe(400);
			expect(res.headers.get("Location"), url).toBeNull();
		}
		const allowed = await redir("https://sync.partner.co.uk/back");
		expect(allowed.status).toBe(302);
		expect(allowed.headers.get("Location")).toBe("https://sync.partner.co.uk/back");
	});

	const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
	const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));

	it("property: no host under *.<public suffix> is ever allowed, whatever else is on the list", () => {
		fc.assert(
			fc.property(subdomain, fc.constantFrom(...PUBLIC), fc.subarray(REGISTRABLE), (sub, suffix, others) => {
				const host = `${sub}.${suffix}`;
				const list = [`*.${suffix}`, ...others.map((base) => `*.${base}`)];
				const coveredByOther = others.some((base) => host.endsWith(`.${base}`));
				expect(hostAllowed(host, list)).toBe(coveredByOther);
			}),
			{ numRuns: 2_000 },
		);
	});

	it("property: every subdomain of a registrable wildcard base is allowed, the base itself is not", () => {
		fc.assert(
			fc.property(subdomain, fc.constantFrom(...REGISTRABLE), (sub, base) => {
				expect(hostAllowed(`${sub}.${base}`, [`*.${base}`])).toBe(true);
				expect(hostAllowed(base, [`*.${base}`])).toBe(false);
			}),
			{ numRuns: 2_000 },
		);
	});
});

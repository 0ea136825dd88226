import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../core/input-error";
import type { PartnerDirectory } from "../../core/partners/directory";
import type { Partner } from "../../core/partners/partner";
import { parseIbsCall } from "../../worker/sync/ibs-request";
import { syncParams } from "../../worker/sync/params";
import { redirectProblem, redirectUrl } from "../../worker/sync/redirect";

const ALLOWED = ["partner.example", "*.cdn.partner.example"];

// URL-ish strings built from the pieces attackers combine: schemes, slashes, user info, hosts that
// contain the allowed name, escapes, whitespace and the UUID macro.
const piece = fc.constantFrom(
	"https:",
	"http:",
	"javascript:",
	"//",
	"/",
	"\\",
	"@",
	":",
	".",
	"%2F",
	"%40",
	"%5C",
	"\t",
	" ",
	"#",
	"?",
	"partner.example",
	"cdn.partner.example",
	"a.cdn.partner.example",
	"evil.com",
	"partner.example.evil.com",
	"evilpartner.example",
	"${DD_UUID}",
	"%24%7BDD_UUID%7D",
	"user",
	"443",
	"xn--",
	"[::1]",
	"127.0.0.1",
);
const urlish = fc.oneof(
	fc.array(piece, { maxLength: 12 }).map((p) => p.join("")),
	fc.webUrl(),
	fc.string(),
);

describe("redirect allow-list (property)", () => {
	it("whatever the input, an accepted redir only ever leads to an allowed host over http(s)", () => {
		fc.assert(
			fc.property(
				urlish,
				fc.constantFrom("0".repeat(38), "12345678901234567890123456789012345678", ""),
				(redir, uuid) => {
					if (redirectProblem(redir, ALLOWED) !== null) return;
					const target = redirectUrl(redir, uuid);
					expect(target).not.toBeNull();
					expect(["http:", "https:"]).toContain(target?.protocol);
					expect(target?.username).toBe("");
					// ALLOWED spelled out (not asked of hostAllowed): the host itself, or a subdomain of the wildcard's base.
					expect(target?.hostname).toMatch(/^(partner\.example|.+\.cdn\.partner\.example)$/);
				},
			),
			{ numRuns: 5_000 },
		);
	});
});

describe("redirect length", () => {
	it("takes a redir of 2,048 characters and refuses one of 2,049, before parsing it", () => {
		const base = "https://partner.example/?p=";
		const atLimit = base + "a".repeat(2_048 - base.length);
		expect(redirectProblem(atLimit, ALLOWED)).toBeNull();
		expect(redirectProblem(`${atLimit}a`, ALLOWED)).toBe("redir longer than 2048 characters");
	});
});

describe("/ibs parameter parser (property)", () => {
	const partner: Partner = {
		dpid: 1000,
		name: "p",
		integrationCode: "ic",
		syncUrl: null,
		redirectHosts: ALLOWED,
		tcfVendorId: null,
		resyncDays: null,
		inboundIdType: "partner",
		receiptEmails: [],
		createdAt: 0,
		updatedAt: 0,
	};
	const directory: PartnerDirectory = {
		byDpid: new Map([[1000, partner]]),
		byIntegrationCode: new Map([["ic", partner]]),
		all: [partner],
	};
	const name = fc.constantFrom(
		"dpid",
		"dpuuid",
		"d_dpid",
		"d_dpuuid",
		"d_cid",
		"d_cid_ic",
		"redir",
		"d_rtbd",
		"gdpr",
		"x",
	);
	const value = fc.oneof(
		fc.string({ maxLength: 40 }),
		fc.constantFrom("1000", "1000%01abc", "ic%01u%01", "%FF", "%01", "-1", "1e3", "json"),
	);

	it("never throws anything but InputError, and every accepted pair is valid", () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (pairs) => {
				const query = pairs.map(([n, v]) => `${n}=${v}`).join("&");
				let url: URL;
				try {
					url = new URL(`https://edge.example/ibs:${query}`);
				} catch {
					return;
				}
				try {
					const call = parseIbsCall(syncParams(url, "/ibs"), directory);
					for (const claim of call.claims) {
						expect(claim.partner.dpid).toBe(1000);
						expect(new TextEncoder().encode(claim.dpuuid).length).toBeGreaterThan(0);
						expect(new TextEncoder().encode(claim.dpuuid).length).toBeLessThanOrEqual(256);
						// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must never pass.
						expect(claim.dpuuid).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
					}
				} catch (err) {
					expect(err).toBeInstanceOf(InputError);
				}
			}),
			{ numRuns: 5_000 },
		);
	});
});

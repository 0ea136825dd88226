// The deploy check's verdict on the Worker's size (scripts/lib/worker-size.ts): it fails only where
// Cloudflare would refuse the upload on any plan, and says when only Workers Paid would take it.
import { describe, expect, it } from "vitest";
import { FREE_GZIP_LIMIT, PAID_GZIP_LIMIT, RAW_LIMIT, sizeVerdict } from "../../scripts/lib/worker-size.ts";

describe("sizeVerdict", () => {
	it("passes a Worker within the Free limit and prints its share of each limit", () => {
		const v = sizeVerdict({ raw: 4_832_543, gzip: 1_113_685 });
		expect(v.ok).toBe(true);
		expect(v.lines).toEqual([
			"Worker: 4,719 KiB raw (7 % of 64 MiB), 1,088 KiB gzip",
			"  gzip against the limits: 37 % of Workers Free (3 MB), 11 % of Workers Paid (10 MB)",
		]);
	});

	it("passes one over the Free limit with a warning, and fails one over the Paid limit or 64 MiB raw", () => {
		const paidOnly = sizeVerdict({ raw: 20_000_000, gzip: FREE_GZIP_LIMIT + 1 });
		expect(paidOnly.ok).toBe(true);
		expect(paidOnly.lines.at(-1)).toContain("deploys only on Workers Paid");
		expect(sizeVerdict({ raw: 20_000_000, gzip: PAID_GZIP_LIMIT }).ok).toBe(true);
		const over = sizeVerdict({ raw: 20_000_000, gzip: PAID_GZIP_LIMIT + 1 });
		expect(over.ok).toBe(false);
		expect(over.lines.at(-1)).toContain("Cloudflare would refuse the upload");
		expect(sizeVerdict({ raw: RAW_LIMIT + 1, gzip: 2_000_000 }).ok).toBe(false);
	});
});

import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { partnerDirectory } from "../../core/partners/directory";
import { seedPartner } from "./support/partners";

describe("the per-isolate partner directory", () => {
	beforeEach(async () => {
		await seedPartner({ dpid: 1000 });
	});

	it("does not keep a list read before an admin change made in this isolate", async () => {
		const before = partnerDirectory(env);
		await seedPartner({ dpid: 2000 }); // writes and forgets, while the first read is in flight
		await before;
		expect((await partnerDirectory(env)).byDpid.has(2000)).toBe(true);
	});
});

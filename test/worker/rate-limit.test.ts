import { beforeEach, describe, expect, it } from "vitest";
import { clientKey } from "../../worker/http/rate-limit";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";
import { beyondLimit } from "./support/rate-limit";

describe("clientKey: what a client address is limited under", () => {
	it.each([
		["192.0.2.7", "192.0.2.7"],
		["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
		["2001:0DB8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
		["2001:db8::1", "2001:db8:0:0::/64"],
		["::1", "0:0:0:0::/64"],
		["::ffff:192.0.2.7", "192.0.2.7"],
		["fe80::1%eth0", "fe80:0:0:0::/64"],
		["2001:db8:1:2:3:4:192.0.2.7", "2001:db8:1:2::/64"],
	])("%s → %s", (address, key) => {
		expect(clientKey(address)).toBe(key);
	});

	it.each([undefined, "", "not an address", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::1", "2001:db8:1:2:3:4:5"])(
		"%j has no key (nothing to limit by)",
		(address) => {
			expect(clientKey(address)).toBeNull();
		},
	);
});

describe("/ibs per client address", () => {
	beforeEach(async () => {
		await seedPartner({ dpid: 1000 });
	});

	it("limits an IPv6 client by its /64: fresh addresses from the same prefix share one allowance", async () => {
		const samePrefix = await beyondLimit(
			600,
			async (i, attempt) => {
				const headers = { "CF-Connecting-IP": `2001:db8:77:1${attempt}:${i.toString(16)}::1` };
				expect((await call(`/ibs:dpid=1000&dpuuid=v6-${i}`, { headers })).status).toBe(200);
			},
			(attempt) =>
				call("/ibs:dpid=1000&dpuuid=last", { headers: { "CF-Connecting-IP": `2001:db8:77:1${attempt}:ffff::9` } }),
		);
		expect(samePrefix.status).toBe(429);
		const otherPrefix = await call("/ibs:dpid=1000&dpuuid=last", {
			headers: { "CF-Connecting-IP": "2001:db8:77:2::1" },
		});
		expect(otherPrefix.status).toBe(200);
	});
});

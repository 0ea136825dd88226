import { describe, expect, it } from "vitest";
import { call, callWith } from "./support/edge";

describe("demo vendor (DEMO=true only)", () => {
	it("gives the visitor a vendor ID and redirects back to /ibs with it and the consent values", async () => {
		const res = await call("/demo-vendor/sync?uid=123&gdpr=0");
		expect(res.status).toBe(302);
		const location = res.headers.get("Location") ?? "";
		const vendorId = location.match(/^\/ibs:dpid=1000&dpuuid=(dv-[0-9a-f]{16})&gdpr=0$/)?.[1];
		expect(vendorId).toBeDefined();
		expect(res.headers.get("Set-Cookie")).toMatch(new RegExp(`^demo_vendor_id=${vendorId};`));
		const again = await call("/demo-vendor/sync", { cookie: `demo_vendor_id=${vendorId}` });
		expect(again.headers.get("Location")).toBe(`/ibs:dpid=1000&dpuuid=${vendorId}`);
	});

	it("does not exist in production", async () => {
		const res = await callWith({ DEMO: "false" }, "/demo-vendor/sync");
		expect(res.status).toBe(404);
	});
});

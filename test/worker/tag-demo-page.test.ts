import { describe, expect, it } from "vitest";
import { call, callWith } from "./support/edge";

describe("/demo", () => {
	it("embeds the tag and the places where it shows the UUID and the syncs", async () => {
		const res = await call("/demo");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
		const page = await res.text();
		expect(page).toContain('<script async src="/tag.js"></script>');
		expect(page).toContain('id="uuid"');
		expect(page).toContain('id="syncs"');
		expect(page).not.toContain("document.write");
	});

	it("does not exist unless DEMO is on", async () => {
		const res = await callWith({ DEMO: "false" }, "/demo");
		expect(res.status).toBe(404);
	});
});

import { describe, expect, it } from "vitest";
import built from "../../dist/tag.js?raw";
import { etagMatches } from "../../worker/tag-script/etag";
import { call } from "./support/edge";

describe("/tag.js", () => {
	it("serves exactly the built file, cacheable, with a strong ETag", async () => {
		const res = await call("/tag.js");
		expect(res.status).toBe(200);
		expect(res.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
		expect(res.headers.get("Cache-Control")).toMatch(/^public, max-age=\d{5,}/);
		expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{32}"$/);
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(new TextEncoder().encode(built));
	});

	it("answers 304 without a body when If-None-Match has the current ETag", async () => {
		const etag = (await call("/tag.js")).headers.get("ETag") ?? "";
		const res = await call("/tag.js", { headers: { "If-None-Match": `"stale", W/${etag}` } });
		expect(res.status).toBe(304);
		expect(res.headers.get("ETag")).toBe(etag);
		expect(res.headers.get("Cache-Control")).toMatch(/max-age/);
		expect(await res.text()).toBe("");
	});

	it("answers 200 for an older ETag", async () => {
		const res = await call("/tag.js", { headers: { "If-None-Match": '"0123"' } });
		expect(res.status).toBe(200);
	});
});

describe("etagMatches", () => {
	it.each([
		[undefined, false],
		["", false],
		["*", true],
		['"a"', true],
		['W/"a"', true],
		['"b", "a"', true],
		['"b"', false],
		['"A"', false],
	])("If-None-Match %s -> %s", (header, expected) => {
		expect(etagMatches(header, '"a"')).toBe(expected);
	});
});

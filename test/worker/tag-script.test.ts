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
		// The first 128 bits of the SHA-256 of the file, hex (worked out here, not by the edge's code).
		const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(built)));
		const hex = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
		expect(res.headers.get("ETag")).toBe(`"${hex}"`);
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

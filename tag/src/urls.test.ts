import { describe, expect, it } from "vitest";
import { idUrl, isUuid, optOutUrl } from "./urls";

const UUID = "12345678901234567890123456789012345678";

describe("idUrl", () => {
	it("sends the consent signals and the first-party copy", () => {
		const url = new URL(idUrl("https://sync.example.com", UUID, { gdpr: "1", gdpr_consent: "CP+a/b=" }));
		expect(url.origin + url.pathname).toBe("https://sync.example.com/id");
		expect(Object.fromEntries(url.searchParams)).toEqual({ gdpr: "1", gdpr_consent: "CP+a/b=", fpid: UUID });
	});

	it("leaves fpid out when the tag has no copy yet", () => {
		expect(idUrl("http://127.0.0.1:8787", undefined, {})).toBe("http://127.0.0.1:8787/id?");
	});

	it("encodes what the CMP returned", () => {
		expect(idUrl("https://e.example", undefined, { gpp: "a&b", gpp_sid: "2,7" })).toBe(
			"https://e.example/id?gpp=a%26b&gpp_sid=2%2C7",
		);
	});
});

describe("optOutUrl", () => {
	it("is the edge's opt-out pixel, with the copy when there is one", () => {
		expect(optOutUrl("https://e.example", UUID)).toBe(`https://e.example/demoptout.jpg?fpid=${UUID}`);
		expect(optOutUrl("https://e.example", undefined)).toBe("https://e.example/demoptout.jpg");
	});
});

describe("isUuid", () => {
	it.each([
		[UUID, true],
		["NOTARGET", false],
		["", false],
		[`${UUID}9`, false],
		[UUID.slice(1), false],
		[undefined, false],
		[null, false],
		[1.2345678901234568e37, false],
	])("%s -> %s", (value, expected) => {
		expect(isUuid(value)).toBe(expected);
	});
});

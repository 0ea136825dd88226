import { describe, expect, it } from "vitest";
import { idUrl, isCopy, optOutUrl, uuidOf } from "./urls";

const UUID = "12345678901234567890123456789012345678";
const MAC = "Abc-_0123456789abcdefg"; // 22 base64url characters
const COPY = `${UUID}.${MAC}`;

describe("idUrl", () => {
	it("sends the consent signals and the signed first-party copy", () => {
		const url = new URL(idUrl("https://sync.example.com", COPY, { gdpr: "1", gdpr_consent: "CP+a/b=" }));
		expect(url.origin + url.pathname).toBe("https://sync.example.com/id");
		expect(Object.fromEntries(url.searchParams)).toEqual({ gdpr: "1", gdpr_consent: "CP+a/b=", fpid: COPY });
	});

	it("leaves fpid out when the tag has no signed copy", () => {
		expect(idUrl("http://127.0.0.1:8787", "", {})).toBe("http://127.0.0.1:8787/id?");
	});

	it("encodes what the CMP returned", () => {
		expect(idUrl("https://e.example", "", { gpp: "a&b", gpp_sid: "2,7" })).toBe(
			"https://e.example/id?gpp=a%26b&gpp_sid=2%2C7",
		);
	});
});

describe("optOutUrl", () => {
	it("is the edge's opt-out pixel with the signed copy (empty when there is none: the edge's cookie decides)", () => {
		expect(optOutUrl("https://e.example", COPY)).toBe(`https://e.example/demoptout.jpg?fpid=${COPY}`);
		expect(optOutUrl("https://e.example", "")).toBe("https://e.example/demoptout.jpg?fpid=");
	});
});

describe("isCopy: only a signed copy counts", () => {
	it.each([
		[COPY, true],
		[`${UUID}.${"_".repeat(22)}`, true],
		[UUID, false], // an old, unsigned copy: the tag asks /id for a signed one
		[`${UUID}.`, false],
		[`${UUID}.${MAC.slice(0, 21)}`, false], // truncated
		[`${UUID}.${MAC}x`, false],
		[`${UUID}.${MAC.slice(0, 21)}+`, false], // not base64url
		[`${UUID.slice(1)}.${MAC}`, false],
		[`x${COPY}`, false],
		["NOTARGET", false],
		["", false],
		[undefined, false],
		[null, false],
	])("%s -> %s", (value, expected) => {
		expect(isCopy(value)).toBe(expected);
	});
});

describe("uuidOf", () => {
	it("gives pages the plain 38-digit UUID of a signed copy, and nothing for no copy", () => {
		expect(uuidOf(COPY)).toBe(UUID);
		expect(uuidOf("")).toBe("");
	});
});

import { describe, expect, it } from "vitest";
import { isCopy, uuidOf } from "./urls";

const UUID = "12345678901234567890123456789012345678";
const MAC = "Abc-_0123456789abcdefg"; // 22 base64url characters
const COPY = `${UUID}.${MAC}`;

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

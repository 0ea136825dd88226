import { describe, expect, it } from "vitest";
import { secretsEqual } from "../../core/crypto";
import { base64, base64url, fromBase64url, fromHex, hex } from "../../core/encoding";

const BYTES = Uint8Array.from([0, 1, 0x7f, 0x80, 0xfb, 0xff, 0xfe]);

describe("core/encoding", () => {
	it("writes hex, base64 and base64url as the RFCs do", () => {
		expect(hex(BYTES)).toBe("00017f80fbfffe");
		expect(base64(BYTES)).toBe("AAF/gPv//g==");
		expect(base64url(BYTES)).toBe("AAF_gPv__g");
	});

	it("reads back what it writes", () => {
		expect(fromHex("00017f80fbfffe")).toEqual(BYTES);
		expect(fromBase64url("AAF_gPv__g")).toEqual(BYTES);
	});

	it("encodes more bytes than one call may spread (base64 in slices)", () => {
		const big = new Uint8Array(100_000).fill(0xab);
		const text = base64(big);
		expect(text).toHaveLength(133_336);
		expect(text.slice(0, 8)).toBe("q6urq6ur");
	});
});

describe("secretsEqual", () => {
	it("matches only the same secret, whatever the lengths, and never an empty expected secret", async () => {
		const secret = "s3cret-token-of-some-length";
		expect(await secretsEqual(secret, secret)).toBe(true);
		// Lengths differ: timingSafeEqual would throw on raw bytes; the hashes make it a plain false.
		for (const given of ["", "s", `${secret}x`, secret.slice(0, -1), secret.toUpperCase(), "x".repeat(10_000)]) {
			expect(await secretsEqual(given, secret)).toBe(false);
		}
		expect(await secretsEqual("", "")).toBe(false);
	});
});

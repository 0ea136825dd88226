// Error reasons travel in the X-Edgesync-Reason header; a reason can echo what a caller sent, so the
// header carries only printable ASCII (no CR/LF to split headers, no NUL, no UTF-8) and a bounded length.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { fail, REASON_HEADER, reasonForHeader, renderError } from "../../worker/http/errors";
import type { AppEnv } from "../../worker/http/types";
import { call } from "./support/edge";
import { seedPartner } from "./support/partners";

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe("reasonForHeader", () => {
	it.each([
		["plain text", "unknown dpid 42", "unknown dpid 42"],
		["CR/LF (header splitting)", "bad\r\nSet-Cookie: admin=1", "bad??Set-Cookie: admin=1"],
		["NUL and other controls", "a\0b\tc\x7fd\x1be", "a?b?c?d?e"],
		["UTF-8, one mark per character", "été 😀 ok", "?t? ? ok"],
		["lone surrogates", "x\ud800y", "x?y"],
		["nothing left", "", "error"],
	])("%s", (_what, reason, header) => {
		expect(reasonForHeader(reason)).toBe(header);
	});

	it("bounds the length", () => {
		const header = reasonForHeader("x".repeat(10_000));
		expect(header).toHaveLength(200);
	});
});

describe("the error renderer", () => {
	const app = new Hono<AppEnv>();
	app.get("/echo", (c) => fail(400, c.req.query("r") ?? ""));
	app.onError(renderError);

	it("puts a hostile reason into the header stripped, and the full text into the body", async () => {
		const reason = "bad\r\nSet-Cookie: admin=1\0 été 😀";
		const res = await app.request(`/echo?r=${encodeURIComponent(reason)}`);
		expect(res.status).toBe(400);
		const header = res.headers.get(REASON_HEADER) ?? "";
		expect(header).toMatch(PRINTABLE_ASCII);
		expect(header).toBe("bad??Set-Cookie: admin=1? ?t? ?");
		expect(res.headers.get("Set-Cookie")).toBeNull();
		expect(await res.text()).toBe(reason);
	});

	it("answers a real route whose reason echoes UTF-8 from the URL with 400, not 500", async () => {
		await seedPartner({ dpid: 1000 });
		// /ibs skips such an ID (AAM's 300, in the body); an opt-out refuses the call and says why.
		const res = await call(`/demoptout?d_cid_ic=${encodeURIComponent("😀\r\n")}%01abc`);
		expect(res.status).toBe(400);
		expect(res.headers.get(REASON_HEADER)).toMatch(PRINTABLE_ASCII);
		expect(res.headers.get(REASON_HEADER)).toContain("unknown integration code");
	});
});

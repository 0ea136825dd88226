import { createMessageBatch, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { secretProblem } from "../../core/config/secret-strength";
import worker from "../../worker";
import { callWith } from "./support/edge";

describe("the edge's own secrets", () => {
	it.each([
		["", "is not set"],
		["short-but-random-Xk29", "is shorter than 32 characters"],
		["a".repeat(64), "does not look random (too few distinct characters)"],
		["ab".repeat(32), "does not look random (too few distinct characters)"],
	])("refuses %j: %s", (value, problem) => {
		expect(secretProblem(value)).toBe(problem);
	});

	it("accepts 32 random hex digits and 44 random base64url characters", () => {
		expect(secretProblem("5724f183f68ddfd05f8770ffdd31347f")).toBeNull();
		expect(secretProblem("SRR7yhk4cdDSeYXmgG7U1Lq6k_3jQvOe8Hq2Zm5Tn1Wc")).toBeNull();
	});

	it.each([
		["ADMIN_TOKEN", { ADMIN_TOKEN: "change-me" }],
		["SESSION_SECRET", { SESSION_SECRET: "" }],
		["FPID_SECRET", { FPID_SECRET: "x".repeat(40) }],
	])("serves nothing with a weak %s: every route answers 500 and the log names it", async (name, vars) => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => {});
		for (const path of ["/health", "/ibs:dpid=1000&dpuuid=a", "/api/v1/partners"]) {
			const res = await callWith(vars, path);
			expect(res.status).toBe(500);
			expect(await res.text()).not.toContain(name); // the reason is for the operator's log, not the public
		}
		expect(logged.mock.calls.flat().join(" ")).toContain(`edgesync refuses to run: ${name} `);
	});

	it("runs no cron and consumes no queue batch with a weak secret", async () => {
		const weak = { ...env, ADMIN_TOKEN: "short" };
		const cron = createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });
		await expect(worker.scheduled(cron, weak)).rejects.toThrow(/ADMIN_TOKEN is shorter than 32 characters/);
		const batch = createMessageBatch("edgesync-pairs", []);
		await expect(worker.queue(batch, weak)).rejects.toThrow(/ADMIN_TOKEN is shorter than 32 characters/);
	});
});

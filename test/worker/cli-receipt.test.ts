// The vendor CLI's pure parts: which exit code a delivery gives, and progress on a terminal or in a log.
// (The commands themselves run against a real local edge: test/e2e/vendor-cli.test.ts.)
import { describe, expect, it } from "vitest";
import { EXIT } from "../../batch/cli/edge-client";
import { progress } from "../../batch/cli/progress";
import { type DeliveryView, exitCodeOf, renderReceipt } from "../../batch/cli/receipt";

const done = (receipt: Record<string, unknown>): DeliveryView => ({ id: "d", status: "done", files: [], receipt });

describe("receipt exit codes", () => {
	it("0 when no record failed, even with records no user matched (the edge's data, not the file)", () => {
		expect(exitCodeOf(done({ "Records received": 5, "No Matching AAM ID": 3, "No Trait Realized": 1 }))).toBe(EXIT.ok);
	});

	it.each([
		"Format Errors",
		"Invalid AAM ID",
		"Total traits failed validation",
		"Signals over the per-line cap",
		"Files cut at the size cap",
	])("1 when %s is not 0", (field) => {
		expect(exitCodeOf(done({ [field]: 1 }))).toBe(EXIT.dataProblem);
	});

	it("3 for a rejected or failed delivery, whatever its counts", () => {
		expect(exitCodeOf({ id: "d", status: "rejected", files: [], receipt: { Reason: "bad name" } })).toBe(EXIT.rejected);
		expect(exitCodeOf({ id: "d", status: "failed", files: [], receipt: null })).toBe(EXIT.rejected);
		const text = renderReceipt({ id: "d", status: "rejected", files: [], receipt: { Reason: "a second upload" } });
		expect(text).toContain("Reason: a second upload");
		expect(text).toContain("Rejected.");
	});
});

describe("progress", () => {
	const now = () => 0;
	it("prints one plain line per step when not on a terminal", () => {
		const out: string[] = [];
		const bar = progress("f", 4 * 1024 * 1024, { interactive: false, out: (t) => out.push(t), now });
		bar.update(2 * 1024 * 1024, "part 1 of 2 sent");
		bar.finish();
		expect(out.join("")).toBe("f: part 1 of 2 sent (50%, 2.0 of 4.0 MiB)\n");
	});

	it("redraws one bar in place on a terminal and ends its line once", () => {
		const printed: string[] = [];
		const bar = progress("f", 100, { interactive: true, out: (t) => printed.push(t), now });
		bar.update(50, "part 1 of 2 sent");
		bar.update(100, "part 2 of 2 sent");
		bar.finish();
		const out = printed.join("");
		expect(out.split("\r")).toHaveLength(3);
		expect(out).toContain(`[${"#".repeat(15)}${" ".repeat(15)}]  50%`);
		expect(out.endsWith("\n")).toBe(true);
		expect(out.match(/\n/g)).toHaveLength(1);
	});
});

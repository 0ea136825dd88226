// How a bench names where a Workflow's time went (bench/lib/workflow-steps.ts): steps that differ only
// in their numbers are one kind, summed, with their count and the longest.
import { describe, expect, it } from "vitest";
import { describeStepKinds } from "../../bench/lib/workflow-steps.ts";

describe("describeStepKinds", () => {
	it("sums the numbered steps of one kind, in the order first run", () => {
		const line = describeStepKinds([
			{ step: "plan files", seconds: 1.18 },
			{ step: "write file 1", seconds: 15.2 },
			{ step: "write file 1 part 2", seconds: 14.4 },
			{ step: "seal file 1", seconds: 1.0 },
			{ step: "write file 2", seconds: 5.0 },
		]);
		expect(line).toBe(
			"plan files 1.2 s; write file N 20.2 s (×2, longest 15.2); write file N part N 14.4 s; seal file N 1.0 s",
		);
	});

	it("says when no step was found", () => {
		expect(describeStepKinds([])).toBe("no step times found");
	});
});

// How a bench names where a Workflow's time went (bench/lib/workflow-steps.ts): steps that differ only
// in their numbers are one kind, summed, with their count and the longest.
import { describe, expect, it } from "vitest";
import { describeStepKinds, describeSteps } from "../../bench/lib/workflow-steps.ts";

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

describe("describeSteps", () => {
	it("gives the split, the group steps' range and, from ten groups on, the first and last fifth's means", () => {
		const groups = [2, 2, 3, 3, 3, 3, 3, 3, 6, 8].map((seconds, i) => ({ step: `apply group ${i}`, seconds }));
		const line = describeSteps([{ step: "split part 1", seconds: 7.7 }, ...groups, { step: "finish", seconds: 0.3 }]);
		expect(line).toBe(
			"split 7.7 s (1 step(s)); 10 group steps, 2.0–8.0 s each, first fifth 2.0 s and last fifth 7.0 s on average; the rest 0.3 s",
		);
	});

	it("leaves the trend out below ten groups", () => {
		const line = describeSteps([{ step: "apply group 0", seconds: 4 }]);
		expect(line).toBe("split 0.0 s (0 step(s)); 1 group steps, 4.0–4.0 s each; the rest 0.0 s");
	});
});

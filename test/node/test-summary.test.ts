// CI's verdict line (scripts/test-summary.mjs) from vitest's JSON report: each failure counted once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { summarize } from "../../scripts/test-summary.mjs";

const dir = mkdtempSync(join(tmpdir(), "edgesync-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function report(body: object): string {
	const file = join(dir, `r${++n}.json`);
	writeFileSync(file, JSON.stringify(body));
	return file;
}

describe("summarize", () => {
	it("counts a failed test inside a describe once, not once more for each suite around it", () => {
		const file = report({
			success: false,
			numPassedTests: 6,
			numFailedTests: 1,
			numFailedTestSuites: 2, // the file and the describe block
			testResults: [
				{ status: "failed", assertionResults: [{ status: "passed" }, { status: "failed" }] },
				{ status: "passed", assertionResults: [{ status: "passed" }] },
			],
		});
		expect(summarize([file])).toEqual({ passed: 6, failed: 1 });
	});

	it("counts a file that failed without a failed test (it did not load) as one failure", () => {
		const file = report({
			success: false,
			numPassedTests: 3,
			numFailedTests: 0,
			testResults: [{ status: "failed", assertionResults: [] }],
		});
		expect(summarize([file])).toEqual({ passed: 3, failed: 1 });
	});

	it("counts an unsuccessful run with nothing else failed (an unhandled error) as one failure", () => {
		const file = report({ success: false, numPassedTests: 5, numFailedTests: 0, testResults: [] });
		expect(summarize([file])).toEqual({ passed: 5, failed: 1 });
	});

	it("counts a report never written as one failure, and a clean run as none", () => {
		const clean = report({ success: true, numPassedTests: 9, numFailedTests: 0, testResults: [] });
		expect(summarize([clean, join(dir, "missing.json")])).toEqual({ passed: 9, failed: 1 });
		expect(summarize([clean])).toEqual({ passed: 9, failed: 0 });
	});
});

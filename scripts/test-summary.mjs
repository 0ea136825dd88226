// Prints CI's one-line verdict, "N passed, N failed", from vitest's JSON report(s).
// A report that was never written (typecheck or lint failed before vitest ran) counts as one failure.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
const reports = process.argv.slice(2);
for (const file of reports) {
	if (!existsSync(file)) {
		failed += 1;
		continue;
	}
	const report = JSON.parse(readFileSync(file, "utf8"));
	passed += report.numPassedTests ?? 0;
	failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
}
console.log(`${passed} passed, ${failed} failed`);

// A suite that failed only because its tests failed is already counted through those tests.
function countSuitesWithFailedTests(report) {
	return (report.testResults ?? []).filter(
		(suite) => suite.status === "failed" && (suite.assertionResults ?? []).some((t) => t.status === "failed"),
	).length;
}

// Prints CI's one-line verdict, "N passed, N failed", from vitest's JSON report(s).
// A report that was never written (typecheck or lint failed before vitest ran) counts as one failure.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/**
 * Passed and failed tests summed over `reports` (paths). A failed test counts once: vitest's
 * numFailedTestSuites also counts every describe block around it, so it is not used. A file that
 * failed with no failed test (it did not load) counts one, and so does a run vitest calls unsuccessful
 * with nothing else failed (an unhandled error outside any test).
 */
export function summarize(reports) {
	let passed = 0;
	let failed = 0;
	for (const file of reports) {
		if (!existsSync(file)) {
			failed += 1;
			continue;
		}
		const report = JSON.parse(readFileSync(file, "utf8"));
		const failedTests = report.numFailedTests ?? 0;
		const filesFailedAlone = (report.testResults ?? []).filter(
			(suite) => suite.status === "failed" && !(suite.assertionResults ?? []).some((t) => t.status === "failed"),
		).length;
		passed += report.numPassedTests ?? 0;
		failed += failedTests + filesFailedAlone;
		if (report.success === false && failedTests + filesFailedAlone === 0) failed += 1;
	}
	return { passed, failed };
}

// Run as a script (CI calls it with the system's Node, which may not know import.meta.main).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const { passed, failed } = summarize(process.argv.slice(2));
	console.log(`${passed} passed, ${failed} failed`);
}

/** Passed and failed tests summed over vitest JSON reports (paths); see test-summary.mjs. */
export function summarize(reports: readonly string[]): { passed: number; failed: number };

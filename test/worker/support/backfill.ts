import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";

/**
 * Waits for the backfill Workflow a segment PUT started (if it started one), so it has finished before
 * the test ends: a backfill still running when the next test resets storage would fail in the void.
 * Resolves to the answer's status.
 */
export async function settledSegmentPut(answer: Promise<Response> | Response): Promise<number> {
	const res = await answer;
	if (res.status !== 200) return res.status;
	const { backfill } = (await res.clone().json()) as { backfill?: string | null };
	if (backfill) {
		await using instance = await introspectWorkflowInstance(env.SEGMENT_BACKFILL_WORKFLOW, backfill);
		await instance.waitForStatus("complete");
	}
	return res.status;
}

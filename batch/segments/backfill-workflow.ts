import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { BACKFILL_START, type BackfillCursor } from "../../core/graph/memberships/types";
import { pairStoreOf } from "../../core/graph/select";
import { loggedSteps } from "../logged-steps";
import { D1_STEP } from "../step-configs";
import { backfillWorkflowId, createOrAdopt } from "../workflows";
import { backfillPage } from "./backfill";

export interface BackfillParams {
	segmentId: number;
	/** The edit being backfilled; a later edit makes this instance stop and runs its own. */
	updatedAt: number;
}

/**
 * Evaluates a new or changed segment for the users who already have traits (inbound files only
 * evaluate users whose traits change), page by page. Each page is one step: re-running a page after a
 * retry recomputes from the stored state, so it enters or leaves nobody twice.
 */
export class SegmentBackfillWorkflow extends WorkflowEntrypoint<Env, BackfillParams> {
	override async run(event: WorkflowEvent<BackfillParams>, workflowStep: WorkflowStep) {
		const step = loggedSteps(workflowStep, event);
		let cursor: BackfillCursor | null = BACKFILL_START;
		let entered = 0;
		let left = 0;
		for (let page = 1; cursor !== null; page++) {
			const from: BackfillCursor = cursor;
			const done = await step.do(`page ${page}`, D1_STEP, () =>
				backfillPage(this.env.DB, pairStoreOf(this.env), event.payload, from, Date.now()),
			);
			entered += done.entered;
			left += done.left;
			cursor = done.next;
		}
		return { entered, left };
	}
}

/**
 * Starts the backfill of one edit; returns its instance id. One already started for this very edit is
 * adopted: it reads the rule as saved, so it is enough.
 */
export async function startBackfill(env: Env, segment: { id: number; updatedAt: number }): Promise<string> {
	const id = backfillWorkflowId(segment.id, segment.updatedAt);
	await createOrAdopt(env.SEGMENT_BACKFILL_WORKFLOW, id, { segmentId: segment.id, updatedAt: segment.updatedAt });
	return id;
}

import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { settingsOf } from "../../core/config/settings";
import { COPY_PHASES, type CopyCursor, compareCounts, copyPage } from "../../core/graph/shards/copy";
import { currentShardMap } from "../../core/graph/shards/map-store";
import { loggedSteps } from "../logged-steps";
import { D1_STEP } from "../step-configs";
import { createOrAdopt, graphCopyWorkflowId } from "../workflows";
import { finishCopy, recordProgress, startCopyRecord } from "./store";

export interface GraphCopyParams {
	/** Rows per step (default 2,000): a step stays far under its time and 1 MiB result limits. */
	pageSize?: number;
}

/**
 * Copies the D1 graph into the shards while the edge serves (GRAPH_STORE=d1+shards: every new write
 * already reaches both). Each page is one step, so a crash or a retry resumes at the last page copied;
 * every write is a merge, so a page copied twice changes nothing. At the end it counts both stores:
 * `complete` says the shards hold what D1 holds, and reads may switch (docs/storage.md).
 */
export class GraphCopyWorkflow extends WorkflowEntrypoint<Env, GraphCopyParams> {
	override async run(event: WorkflowEvent<GraphCopyParams>, workflowStep: WorkflowStep) {
		const step = loggedSteps(workflowStep, event);
		const id = event.instanceId;
		const limit = event.payload.pageSize ?? 2_000;
		const shards = { visitors: this.env.VISITOR_SHARDS, partnerIds: this.env.PARTNER_ID_SHARDS };
		const map = () => {
			const s = settingsOf(this.env);
			return currentShardMap(this.env.DB, { visitor: s.visitorShardCount, partnerId: s.partnerIdShardCount });
		};
		await step.do("start", D1_STEP, () => startCopyRecord(this.env.DB, id, Date.now()));
		const copied: Record<string, number> = {};
		for (const phase of COPY_PHASES) {
			let cursor: CopyCursor | null = null;
			copied[phase] = 0;
			for (let n = 1; ; n++) {
				const after: CopyCursor | null = cursor;
				const done = await step.do(`${phase} page ${n}`, D1_STEP, async () => {
					const result = await copyPage(this.env.DB, shards, await map(), phase, after, limit);
					await recordProgress(this.env.DB, id, phase, { ...copied, [phase]: (copied[phase] ?? 0) + result.copied });
					return result;
				});
				copied[phase] = (copied[phase] ?? 0) + done.copied;
				if (!done.next) break;
				cursor = done.next;
			}
		}
		return step.do("compare", D1_STEP, async () => {
			const counts = await compareCounts(this.env.DB, shards, await map());
			await finishCopy(this.env.DB, id, Date.now(), counts);
			return counts;
		});
	}
}

/** Starts a copy (instance id `graph-copy-<ms>`); returns its id. */
export async function startGraphCopy(env: Env, at: number, params: GraphCopyParams = {}): Promise<string> {
	const id = graphCopyWorkflowId(at);
	await createOrAdopt(env.GRAPH_COPY_WORKFLOW, id, params);
	return id;
}

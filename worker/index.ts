import { app } from "./app";
import { runSchedule } from "./cron";
import { checkConfiguration } from "./http/refuse-misconfigured";
import { handleQueue } from "./queue";

export { GraphCopyWorkflow } from "../batch/graph-copy/workflow";
export { InboundWorkflow } from "../batch/inbound/workflow";
export { OutboundWorkflow } from "../batch/outbound/runs/workflow";
export { SegmentBackfillWorkflow } from "../batch/segments/backfill-workflow";
export { PartnerIdShard } from "../core/graph/shards/partner-id-shard";
export { VisitorShard } from "../core/graph/shards/visitor-shard";

export default {
	fetch: app.fetch,
	queue: async (batch, env) => {
		await checkConfiguration(env);
		return handleQueue(batch, env);
	},
	scheduled: async (controller, env) => {
		await checkConfiguration(env);
		return runSchedule(controller, env);
	},
} satisfies ExportedHandler<Env>;

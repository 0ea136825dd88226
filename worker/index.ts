import { runSchedule } from "../batch/scheduled";
import { app } from "./http/app";
import { handleQueue } from "./queues";

export { InboundWorkflow } from "../batch/inbound/workflow";
export { OutboundWorkflow } from "../batch/outbound/runs/workflow";
export { SegmentBackfillWorkflow } from "../batch/segments/backfill-workflow";

export default {
	fetch: app.fetch,
	queue: handleQueue,
	scheduled: runSchedule,
} satisfies ExportedHandler<Env>;

import { app } from "./http/app";
import { handleQueue } from "./queues";

export default {
	fetch: app.fetch,
	queue: handleQueue,
} satisfies ExportedHandler<Env>;

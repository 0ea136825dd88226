import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../worker";

/** Puts a file at `key` in the exchange bucket (as an S3 client would), gzipped when it ends in .gz. */
export async function upload(key: string, text: string): Promise<void> {
	const bytes = new TextEncoder().encode(text);
	const body = key.endsWith(".gz")
		? await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer()
		: bytes;
	await env.EXCHANGE.put(key, body);
}

/** Fires the Cron Trigger as Cloudflare would, `secondsLater` after now (past the settle time). */
export async function runCron(secondsLater = 120): Promise<void> {
	const controller = createScheduledController({ scheduledTime: Date.now() + secondsLater * 1000, cron: "* * * * *" });
	await worker.scheduled(controller, env);
}

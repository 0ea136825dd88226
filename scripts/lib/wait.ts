// Bounded polling, for the e2e tests and the benchmarks: state no event announces (a queue consumer
// writing to D1, a Workflow finishing, `wrangler dev` answering).

/** Thrown by a probe to stop waiting at once (the awaited thing can no longer happen). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `ms` with `what` in the
 * message. Other errors from the probe are retried (a busy database), GiveUp ends the wait. The pause
 * between tries doubles from 100 ms up to `maxPauseMs` (a benchmark that times the wait keeps it short).
 */
export async function eventually<T>(
	what: string,
	ms: number,
	probe: () => Promise<T | undefined>,
	maxPauseMs = 1000,
): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	for (let pause = Math.min(100, maxPauseMs); ; pause = Math.min(pause * 2, maxPauseMs)) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (err) {
			if (err instanceof GiveUp) throw err;
			last = err;
		}
		if (Date.now() + pause > deadline) {
			throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
		}
		await new Promise((resolve) => setTimeout(resolve, pause));
	}
}

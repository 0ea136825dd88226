/** Thrown by a probe to stop waiting at once (the awaited thing can no longer happen). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `ms` with `what` in the
 * message. Other errors from the probe are retried (a busy database), GiveUp ends the wait. For state
 * that no browser event announces (a queue consumer writing to D1); everything the browser does is
 * awaited through Playwright's request/response events instead.
 */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + ms;
	let last: unknown;
	for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (err) {
			if (err instanceof GiveUp) throw err;
			last = err;
		}
		if (Date.now() + delay > deadline) {
			throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
		}
		await new Promise((resolve) => setTimeout(resolve, delay));
	}
}

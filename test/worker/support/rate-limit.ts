/**
 * The local rate-limiting binding (miniflare) counts in windows aligned to the wall clock, so calls that
 * run across the end of a window start a fresh count, and a test that makes `limit` calls and expects the
 * next one refused would fail now and then. `beyondLimit` makes the `limit` allowed calls and the one
 * beyond, and starts over — with a fresh client, so nothing counted before matters — whenever a window
 * ended in between. `attempt` (0, 1, …) names that client.
 */
export async function beyondLimit<T>(
	limit: number,
	allowed: (i: number, attempt: number) => Promise<void>,
	beyond: (attempt: number) => Promise<T>,
	periodSeconds = 60,
): Promise<T> {
	const windowNow = () => Math.floor(Date.now() / (periodSeconds * 1000));
	for (let attempt = 0; attempt < 3; attempt++) {
		const window = windowNow();
		for (let i = 0; i < limit; i++) await allowed(i, attempt);
		const result = await beyond(attempt);
		if (windowNow() === window) return result;
	}
	throw new Error("three rate-limit windows ended during one test: the machine is far too slow");
}

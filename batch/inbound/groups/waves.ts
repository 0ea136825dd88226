/**
 * Runs `apply` over `items` in waves of at most `atOnce`, each wave awaited before the next starts,
 * and returns the results in item order. A delivery's group steps run this way, so the lines held in
 * memory at once stay within what the settings allow (INBOUND_GROUPS_AT_ONCE groups of
 * INBOUND_LINES_PER_GROUP lines).
 */
export async function inWaves<Item, Result>(
	items: readonly Item[],
	atOnce: number,
	apply: (item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
	if (!Number.isInteger(atOnce) || atOnce < 1) throw new RangeError(`atOnce must be a positive integer, not ${atOnce}`);
	const results: Result[] = [];
	for (let from = 0; from < items.length; from += atOnce) {
		const wave = items.slice(from, from + atOnce).map((item, i) => apply(item, from + i));
		results.push(...(await Promise.all(wave)));
	}
	return results;
}

/**
 * Which group steps run together: contiguous runs of at most `atOnce` groups whose lines sum to at most
 * `maxLines` (a group larger than that runs alone), in group order. Planned once per delivery, from the
 * planned groups' own line counts, so the lines held at once stay bounded even when a bucket that is
 * never cut makes a group larger than INBOUND_LINES_PER_GROUP, or the settings change while a delivery
 * is being applied.
 */
export function planWaves(groups: readonly { lines: number }[], atOnce: number, maxLines: number): number[][] {
	if (!Number.isInteger(atOnce) || atOnce < 1) throw new RangeError(`atOnce must be a positive integer, not ${atOnce}`);
	const waves: number[][] = [];
	let wave: number[] = [];
	let lines = 0;
	for (const [index, group] of groups.entries()) {
		if (wave.length > 0 && (wave.length === atOnce || lines + group.lines > maxLines)) {
			waves.push(wave);
			wave = [];
			lines = 0;
		}
		wave.push(index);
		lines += group.lines;
	}
	if (wave.length > 0) waves.push(wave);
	return waves;
}

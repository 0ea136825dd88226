/**
 * Progress of long work: on a terminal one bar redrawn in place (`\r`), elsewhere (a pipeline's log)
 * one plain line per step, so logs stay readable and nothing depends on a terminal.
 */
export interface Progress {
	/** `done` of `total` bytes; `step` says what just finished (printed as a line when not interactive). */
	update(done: number, step: string): void;
	finish(): void;
}

const BAR = 30;
const MIB = 1024 * 1024;

export function progress(
	label: string,
	total: number,
	options: { interactive: boolean; out: (text: string) => void; now: () => number },
): Progress {
	const started = options.now();
	let drawn = false;
	return {
		update(done, step) {
			const share = total === 0 ? 1 : done / total;
			const percent = `${Math.floor(share * 100)}%`.padStart(4);
			if (!options.interactive) {
				options.out(`${label}: ${step} (${percent.trim()}, ${mib(done)} of ${mib(total)} MiB)\n`);
				return;
			}
			const seconds = Math.max((options.now() - started) / 1000, 0.001);
			const filled = Math.round(share * BAR);
			const bar = `${"#".repeat(filled)}${" ".repeat(BAR - filled)}`;
			options.out(`\r${label} [${bar}] ${percent} ${mib(done)}/${mib(total)} MiB ${mib(done / seconds)} MiB/s`);
			drawn = true;
		},
		finish() {
			if (drawn) options.out("\n");
		},
	};
}

function mib(bytes: number): string {
	return (bytes / MIB).toFixed(1);
}

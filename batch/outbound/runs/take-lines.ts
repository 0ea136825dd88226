import type { Cursor, Page } from "./lines";

export interface TakeState {
	lines: number;
	/** Done: where the next file starts (null: the listing is over). Not done: where the next step starts. */
	next: Cursor | null;
	/** Whether the file is complete after this step. */
	fileDone: boolean;
}

/**
 * The text of one file step, a string per page: at most `room` more lines (null: no limit) and at most
 * `pages` listing pages, from `from`. `state` says, once the text is read, how many lines it held and
 * where the rest starts.
 */
export function takeLines(
	pages: AsyncGenerator<Page>,
	from: Cursor,
	limits: { room: number | null; pages: number },
): { text: AsyncGenerator<string>; state: TakeState } {
	const state: TakeState = { lines: 0, next: null, fileDone: true };
	async function* text(): AsyncGenerator<string> {
		// Lines before this step's start were written by earlier steps or files.
		let written: Cursor = from;
		let read = 0;
		for await (const page of pages) {
			read++;
			const room = limits.room === null ? page.entries.length : limits.room - state.lines;
			if (room <= 0 && page.entries.length > 0) {
				// The file is full and this page proves more lines follow: the next file starts after the
				// last line written (or at the start of this page's phase if that line was of another one).
				state.next = written.phase === page.phase ? written : { phase: page.phase, after: "" };
				return;
			}
			const taken = page.entries.slice(0, Math.max(0, room));
			if (taken.length > 0) {
				state.lines += taken.length;
				written = { phase: page.phase, after: taken[taken.length - 1]?.dpuuid ?? "" };
				yield `${taken.map((e) => e.line).join("\n")}\n`;
			}
			if (taken.length < page.entries.length) {
				state.next = written;
				return;
			}
			if (page.next === null) return;
			if (read >= limits.pages) {
				state.next = page.next;
				state.fileDone = false;
				return;
			}
		}
	}
	return { text: text(), state };
}

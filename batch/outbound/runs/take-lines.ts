import type { Cursor, Page } from "./lines";

export interface TakeState {
	lines: number;
	/** Partner IDs the entries taken left out (unwritable in the template's layout). */
	unwritableIds: number;
	/** Done: where the next file starts (null: the listing is over). Not done: where the next step starts. */
	next: Cursor | null;
	/** Whether the file is complete after this step. */
	fileDone: boolean;
}

/**
 * The text of one file step, a string per page: at most `room` more lines (null: no limit) and at most
 * `pages` listing pages, from `from`. `state` says, once the text is read, how many lines it held, how
 * many partner IDs it left out, and where the rest starts. A file takes the listing's entries up to the
 * first line it has no room for: an entry without a line (an unwritable ID) takes no room, and is counted
 * by the one file that takes it.
 */
export function takeLines(
	pages: AsyncGenerator<Page>,
	from: Cursor,
	limits: { room: number | null; pages: number },
): { text: AsyncGenerator<string>; state: TakeState } {
	const state: TakeState = { lines: 0, unwritableIds: 0, next: null, fileDone: true };
	async function* text(): AsyncGenerator<string> {
		// Entries before this step's start were taken by earlier steps or files.
		let taken: Cursor = from;
		let read = 0;
		for await (const page of pages) {
			read++;
			const room = limits.room === null ? Number.POSITIVE_INFINITY : limits.room - state.lines;
			const cut = cutAt(page, room);
			const entries = page.entries.slice(0, cut);
			const last = entries.at(-1);
			if (last !== undefined) {
				const lines = entries.flatMap((e) => (e.line === null ? [] : [e.line]));
				state.lines += lines.length;
				state.unwritableIds += entries.reduce((n, e) => n + e.unwritableIds, 0);
				taken = { phase: page.phase, after: last.dpuuid };
				if (lines.length > 0) yield `${lines.join("\n")}\n`;
			}
			if (cut < page.entries.length) {
				// The file is full and this page proves more lines follow: the next file starts after the
				// last entry taken (or at the start of this page's phase if that entry was of another one).
				state.next = taken.phase === page.phase ? taken : { phase: page.phase, after: "" };
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

/** How many of the page's entries fit: all of them, or up to its first line past `room`. */
function cutAt(page: Page, room: number): number {
	let lines = 0;
	for (const [i, e] of page.entries.entries()) {
		if (e.line === null) continue;
		if (lines >= room) return i;
		lines++;
	}
	return page.entries.length;
}

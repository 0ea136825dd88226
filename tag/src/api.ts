/** Commands a page can push onto `window.edgesync` before or after the tag has loaded. */
export type Command = ["getUuid", (uuid: string) => void] | ["optOut", (() => void)?];

/** The global after the tag has loaded: the same `push` as the queue it replaces. */
export interface Api {
	push(command: Command): void;
}

export type Queue = Command[] | Api | undefined;

export interface Handlers {
	getUuid(callback: (uuid: string) => void): void;
	optOut(callback?: () => void): void;
}

/**
 * Runs a page callback so that an error in it never stops the tag (and ours never reach the page).
 * A missing callback throws a TypeError here, which is just as harmless.
 */
export function safely(fn: (() => void) | undefined): void {
	try {
		(fn as () => void)();
	} catch {
		// The page's own error; not ours to report.
	}
}

/** True when a copy of the tag already owns the global (the tag embedded twice): then do nothing. */
export const alreadyRunning = (holder: { edgesync?: Queue }): boolean =>
	!!holder.edgesync && !Array.isArray(holder.edgesync);

/** Replaces the queue with a live API and replays what the page pushed before the tag arrived. */
export function installApi(holder: { edgesync?: Queue }, handlers: Handlers): void {
	const queued = holder.edgesync as Command[] | undefined;
	// Unknown or malformed commands are ignored (a page written for a newer tag keeps working);
	// looking up an inherited name such as "toString" is harmless inside safely().
	const push = (c: Command): void => safely(() => handlers[c[0]](c[1] as never));
	holder.edgesync = { push };
	for (const c of queued ?? []) push(c);
}

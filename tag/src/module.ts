// The ESM entry (dist/tag.mjs, types in dist/tag.d.mts) for sites that bundle their scripts: the same tag
// as dist/tag.js, started by a call instead of a script element. Its exported signatures use only the
// types declared here, so the emitted declarations stand alone (tag/build.ts checks that).
import type { Command } from "./api";
import { boot, type TagWindow } from "./boot";

/** The classic script's `data-*` attributes, as options (README, "Add the tag to your site"). */
export interface Options {
	/** The edge's origin, e.g. "https://sync.example.com" (required: a module has no script URL to default to). */
	edge: string;
	/** `Domain` of the first-party cookies, e.g. "example.com"; unset = host-only. */
	cookieDomain?: string;
	/** Most sync pixels fired on one page view (default 5). */
	maxSyncs?: number;
	/** Milliseconds to wait for a CMP's first answer (default 1500). */
	consentTimeout?: number;
	/** Seconds between two `/id` calls (default 86400); 0 = every page view. */
	interval?: number;
	/** "1" or "0" when the page has no TCF CMP: does GDPR apply? Unset = the edge's default decides. */
	gdpr?: "0" | "1";
}

/**
 * Starts the tag once per page (a second call, or the classic script already on the page, does nothing).
 * Never throws. Consent comes from the page's CMPs (TCF v2, US Privacy, GPP), as with the classic script.
 */
export const start: (options: Options) => void = boot;

/** A page-API command as a promise: queued on `window.edgesync`, which the tag replays when it starts. */
const ask =
	<T>(name: Command[0]) =>
	(): Promise<T> =>
		new Promise((resolve) => {
			const w = window as TagWindow;
			w.edgesync = w.edgesync || [];
			(w.edgesync as Command[]).push([name, resolve] as Command);
		});

/**
 * The visitor's UUID (38 digits) once the tag has decided, or "" when there is none: no consent, opted
 * out, or the edge unreachable without a stored copy. Waits for the CMP and `/id`; before `start()` it
 * waits for `start()` too.
 */
export const getUuid: () => Promise<string> = ask("getUuid");

/** Opts the visitor out (the edge forgets them); resolves when the edge has answered. */
export const optOut: () => Promise<void> = ask("optOut");

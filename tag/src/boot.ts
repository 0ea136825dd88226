// What both entries share: install window.edgesync and run one page view, once per page.
import { alreadyRunning, installApi, type Queue } from "./api";
import type { CmpWindow } from "./cmp";
import { readConfig, type Settings } from "./config";
import { cookieStore } from "./cookies";
import { startTag } from "./tag";

export type TagWindow = Window & CmpWindow & { edgesync?: Queue };

/**
 * Starts the tag with the script element's `data-*` and URL (IIFE) or the module's options (ESM).
 * Everything is inside one try: whatever goes wrong (no edge to talk to, say), nothing is thrown into the
 * host page.
 */
export function boot(settings: Settings, src?: string): void {
	try {
		const w = window as TagWindow;
		if (!alreadyRunning(w)) {
			const config = readConfig(settings, src);
			installApi(w, startTag(w, config, cookieStore(config, location.protocol === "https:")));
		}
	} catch {
		// Never break the host page.
	}
}

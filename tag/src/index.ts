// The browser tag's entry: read the script's data-* attributes, install window.edgesync, run once.
// Everything is inside one try: whatever goes wrong, nothing is thrown into the host page.
import { alreadyRunning, installApi, type Queue } from "./api";
import type { CmpWindow } from "./cmp";
import { readConfig } from "./config";
import { cookieStore } from "./cookies";
import { startTag } from "./tag";

type TagWindow = Window & CmpWindow & { edgesync?: Queue };

try {
	const w = window as TagWindow;
	const d = document;
	// Set for classic scripts, async ones included (the embed snippet); null only for modules.
	const script = d.currentScript as HTMLScriptElement | null;
	if (script && !alreadyRunning(w)) {
		const config = readConfig(script.dataset, script.src);
		installApi(w, startTag(w, config, cookieStore(config, location.protocol === "https:")));
	}
} catch {
	// Never break the host page.
}

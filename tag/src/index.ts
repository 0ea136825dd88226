// The classic script's entry (dist/tag.js): boot with the script element's data-* attributes and URL.
import { boot } from "./boot";

// Set for classic scripts, async ones included (the embed snippet); null only for modules.
const script = document.currentScript as HTMLScriptElement | null;
if (script) boot(script.dataset, script.src);

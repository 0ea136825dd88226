// The edgesync recipe for Google Publisher Tag's PPID (tag/recipes/gpt-ppid.js); the fixture page puts a
// stand-in `googletag` before it, since gpt.js cannot load offline.
import "../../../tag/recipes/gpt-ppid.js";

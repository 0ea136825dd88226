// Recipe: a hash of the edgesync UUID as Google Publisher Tag's publisher-provided ID (PPID). Only under
// consent: the tag hands the page "" when there is no consent or the visitor opted out, and then no PPID
// is set. Google's rules for a PPID: 22 to 150 characters, letters and digits only, no personal data. The
// UUID alone would pass (38 random digits); the recipe sends its SHA-256 instead (64 hex characters), so the
// value Google keeps is not the ID the edge shares with sync partners (README "Recipes").
// Make your first googletag.display()/refresh() after this callback (or the first ad request goes without
// the PPID); crypto.subtle needs an https page.
(() => {
	const w = window;
	w.googletag = w.googletag || { cmd: [] };
	w.edgesync = w.edgesync || [];
	w.edgesync.push([
		"getUuid",
		async (uuid) => {
			if (!uuid) return;
			const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(uuid));
			const ppid = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
			w.googletag.cmd.push(() => w.googletag.pubads().setPublisherProvidedId(ppid));
		},
	]);
})();

// Recipe: the edgesync UUID as a publisher-provided ID for Prebid.js bidders (its `pubProvidedId` user-ID
// module; your Prebid build needs the `userId` and `pubProvidedIdSystem` modules). Only under consent:
// the tag hands the page "" when there is no consent or the visitor opted out, and then bidders get nothing.
// Put it on the page as it is (a classic script) or import it from your bundle; README "Recipes" explains.
(() => {
	/** The eid's `source`: your site's domain (the publisher's, not the edge's). */
	const SOURCE = "example.com";
	let uuid = "";
	const w = window;
	w.pbjs = w.pbjs || { que: [] };
	w.edgesync = w.edgesync || [];

	// Listed once with your other ID modules (mergeConfig replaces the list: keep them all in one call).
	// eidsFunction is asked whenever Prebid (re)reads the IDs, so it always hands over the current answer.
	w.pbjs.que.push(() => {
		w.pbjs.mergeConfig({
			userSync: {
				userIds: [
					{
						name: "pubProvidedId",
						params: {
							eidsFunction: () =>
								uuid ? [{ source: SOURCE, uids: [{ id: uuid, atype: 1, ext: { stype: "ppuid" } }] }] : [],
						},
					},
				],
			},
		});
	});

	w.edgesync.push([
		"getUuid",
		(decided) => {
			uuid = decided;
			if (uuid) w.pbjs.que.push(() => w.pbjs.refreshUserIds({ submoduleNames: ["pubProvidedId"] }));
		},
	]);
})();

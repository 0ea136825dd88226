import { type Handlers, safely } from "./api";
import type { CmpWindow } from "./cmp";
import { askCmps } from "./cmp";
import type { Config } from "./config";
import { mergeConsent } from "./consent";
import type { Store } from "./cookies";
import { isCopy, uuidOf } from "./urls";

/** The edge's `/id` answer (SPEC §4). */
interface IdAnswer {
	/** The signed copy of the UUID, for `_es_id` (absent when there is no UUID to hand out). */
	fpid?: string;
	optout?: boolean;
	syncs?: { dpid: number; url: string; type: string }[];
}

/**
 * One page view: consent, then the UUID (cookie or `/id`), then the due syncs. Returns the handlers of
 * the page API. Nothing is written or fired before consent is known, nor after an opt-out.
 */
export function startTag(w: CmpWindow, config: Config, store: Store): Handlers {
	let stopped = false;
	/** Called once the tag has decided the UUID: "" when there is none (no consent, opted out, failure without a copy). */
	let settle!: (uuid: string) => void;
	const decided = new Promise<string>((resolve) => {
		settle = resolve;
	});

	const run = async (): Promise<void> => {
		const signals = mergeConsent(await askCmps(w, config.wait), config.gdpr);
		if (stopped) return;
		if (!signals) {
			// Refused: also forget what an earlier, consented page view wrote.
			store.clear();
			return settle("");
		}
		const known = store.id();
		if (known && store.fresh()) return settle(uuidOf(known));
		// The signed copy, when the tag has one: the edge adopts it when its own cookie is missing.
		if (known) signals.fpid = known;
		const res = await fetch(`${config.edge}/id?${new URLSearchParams(signals)}`, { credentials: "include" });
		if (!res.ok) throw 0;
		const answer: IdAnswer = await res.json();
		if (stopped) return;
		const copy = answer.fpid;
		if (!isCopy(copy)) {
			// No consent on the edge's side, or the visitor opted out ("NOTARGET"): no UUID, no copy.
			store.clear();
			return settle("");
		}
		store.save(copy);
		settle(uuidOf(copy));
		answer.syncs?.slice(0, config.max).forEach((s, i) => {
			setTimeout(() => {
				// An image never runs script, whatever the URL; the edge sends only http(s) URLs anyway.
				if (!stopped && s.type === "img") new Image().src = s.url;
			}, i * 100); // spaced, so a page view never opens a burst of connections at once
		});
	};
	// A network or edge failure leaves the page as it was; the copy we had is still the visitor's UUID.
	run().catch(() => settle(uuidOf(store.id())));

	return {
		// After an opt-out every page callback gets "", also one that asked before it.
		getUuid: (cb) => decided.then((uuid) => safely(() => cb(stopped ? "" : uuid))),
		optOut: (cb) => {
			const img = new Image();
			img.onload = img.onerror = () => safely(cb);
			// With the signed copy (empty when there is none: the edge then goes by its own cookie), so the edge
			// can erase the visitor when third-party cookies hide its cookie.
			img.src = `${config.edge}/demoptout.jpg?fpid=${store.id()}`;
			stopped = true;
			store.clear();
			settle("");
		},
	};
}

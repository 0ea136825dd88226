import { type Handlers, safely } from "./api";
import type { CmpWindow } from "./cmp";
import { askCmps } from "./cmp";
import type { Config } from "./config";
import { mergeConsent } from "./consent";
import type { Store } from "./cookies";
import { idUrl, isCopy, optOutUrl, uuidOf } from "./urls";

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
	/** undefined until decided; "" when there is none (no consent, opted out, failure without a copy). */
	let uuid: string | undefined;
	let stopped = false;
	let waiting: ((uuid: string) => void)[] = [];
	const settle = (u: string): void => {
		if (uuid !== undefined) return;
		uuid = u;
		for (const cb of waiting) safely(() => cb(u));
		waiting = [];
	};

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
		const res = await fetch(idUrl(config.edge, known, signals), { credentials: "include" });
		if (!res.ok) throw res.status;
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
		const syncs = (answer.syncs ?? []).slice(0, config.max);
		syncs.forEach((s, i) => {
			setTimeout(() => {
				// An image never runs script, whatever the URL; the edge sends only http(s) URLs anyway.
				if (!stopped && s.type === "img") new Image().src = s.url;
			}, i * 100); // spaced, so a page view never opens a burst of connections at once
		});
	};
	// A network or edge failure leaves the page as it was; the copy we had is still the visitor's UUID.
	run().catch(() => settle(uuidOf(store.id())));

	return {
		getUuid: (cb) => (uuid === undefined ? waiting.push(cb) : safely(() => cb(uuid as string))),
		optOut: (cb) => {
			const img = new Image();
			img.onload = img.onerror = () => safely(cb);
			img.src = optOutUrl(config.edge, store.id());
			stopped = true;
			store.clear();
			settle("");
			uuid = "";
		},
	};
}

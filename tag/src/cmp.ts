import type { Answers, TcData } from "./consent";

type Callback<T> = (data: T, success: boolean) => void;
interface GppEvent {
	pingData?: { cmpStatus?: string; signalStatus?: string; gppString?: string; applicableSections?: number[] };
}
/** The CMP APIs the tag talks to, when the page has them (IAB TCF v2, US Privacy, GPP 1.1). */
export interface CmpWindow {
	__tcfapi?: (command: string, version: number, callback: Callback<TcData & { cmpStatus?: string }>) => void;
	__uspapi?: (command: string, version: number, callback: Callback<{ uspString?: string }>) => void;
	__gpp?: (command: string, callback: Callback<GppEvent>) => void;
}

/**
 * Waits for one CMP API. `wait` bounds only the silence before its first callback: once a CMP has
 * answered (for example "the banner is shown"), it is alive and the tag waits for the visitor's choice.
 * `heard(ms)` instead of `heard()` says "alive but still loading": then it gets `ms` more, not forever.
 */
function listen(wait: number, start: (done: () => void, heard: (ms?: number) => void) => void): Promise<void> {
	return new Promise((done) => {
		let timer = setTimeout(done, wait);
		try {
			start(done, (ms) => {
				clearTimeout(timer);
				if (ms) timer = setTimeout(done, ms);
			});
		} catch {
			// A broken CMP counts as one that never answered.
			done();
		}
	});
}

/** Asks every CMP API present on the page; resolves once each gave a final answer or stayed silent. */
export function askCmps(w: CmpWindow, wait: number): Promise<Answers> {
	const a: Answers = {};
	const jobs: Promise<void>[] = [];
	const tcf = w.__tcfapi;
	const usp = w.__uspapi;
	const gpp = w.__gpp;
	// Presence is enough: calling a non-function throws inside listen(), which counts as silence.
	if (tcf) {
		a.tcf = null;
		jobs.push(
			listen(wait, (done, heard) => {
				// A CMP answers ping at once, also while it loads (fetching its vendor list, say), when it queues
				// addEventListener until it is ready: "loading" gets 10 s (docs/tag-architecture.md), an absent
				// or stub-only CMP keeps `wait`.
				tcf("ping", 2, (p) => p?.cmpStatus === "loading" && heard(Math.max(wait, 10_000)));
				tcf("addEventListener", 2, (d, ok) => {
					heard();
					if (!ok) return done();
					// "tcloaded" and "useractioncomplete" are final; "cmpuishown" means the visitor is choosing.
					if (d.eventStatus !== "cmpuishown") {
						// The listener stays registered (removing it costs bytes); later events change nothing.
						a.tcf = d;
						done();
					}
				});
			}),
		);
	}
	if (usp) {
		jobs.push(
			listen(wait, (done) =>
				usp("getUSPData", 1, (d, ok) => {
					if (ok) a.usp = d?.uspString;
					done();
				}),
			),
		);
	}
	if (gpp) {
		jobs.push(
			listen(wait, (done, heard) =>
				gpp("addEventListener", (e, ok) => {
					const p = e?.pingData;
					if (!ok) return done();
					// Only a loaded CMP is alive: the IAB stub answers at once as "stub" although the CMP's main
					// script may never come (an ad blocker), and "error" is final; both keep the short wait.
					if (p?.cmpStatus === "loaded") heard();
					if (p?.signalStatus === "ready") {
						a.gpp = p.gppString;
						// As the CMP says it, "-1" (no section applies) included: without gpp_sid the edge would
						// enforce every section in the string.
						a.gppSid = p.applicableSections?.join();
						done();
					}
				}),
			),
		);
	}
	return Promise.all(jobs).then(() => a);
}

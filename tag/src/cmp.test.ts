import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { askCmps, type CmpWindow } from "./cmp";
import type { TcData } from "./consent";

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

type TcfCallback = (d: TcData, ok: boolean) => void;

/** askCmps' answer as the fake clock moves on: undefined until it has resolved. */
function watch(w: CmpWindow, wait: number): { answer(): unknown } {
	let answer: unknown;
	void askCmps(w, wait).then((a) => {
		answer = a;
	});
	return { answer: () => answer };
}

describe("askCmps", () => {
	it("resolves at once with nothing when the page has no CMP", async () => {
		await expect(askCmps({}, 1000)).resolves.toEqual({});
	});

	it("waits for the visitor's choice once the TCF CMP has shown its banner, past the timeout", async () => {
		let listener: TcfCallback = () => {};
		const w: CmpWindow = {
			__tcfapi: (command, _v, cb) => {
				if (command !== "addEventListener") return;
				listener = cb;
				cb({ gdprApplies: true, eventStatus: "cmpuishown" }, true);
			},
		};
		const seen = watch(w, 100);
		await vi.advanceTimersByTimeAsync(5000);
		expect(seen.answer()).toBeUndefined();
		const final = { gdprApplies: true, eventStatus: "useractioncomplete", tcString: "CPx" };
		listener(final, true);
		await vi.runAllTimersAsync();
		expect(seen.answer()).toEqual({ tcf: final });
	});

	it("gives a silent TCF CMP up after the timeout, as no answer (null)", async () => {
		const w: CmpWindow = { __tcfapi: () => {} };
		const pending = askCmps(w, 300);
		await vi.advanceTimersByTimeAsync(300);
		await expect(pending).resolves.toEqual({ tcf: null });
	});

	it("treats a CMP that throws, or a __tcfapi that is not a function, as silent", async () => {
		const throwing: CmpWindow = {
			__tcfapi: () => {
				throw new Error("CMP bug");
			},
		};
		await expect(askCmps(throwing, 300)).resolves.toEqual({ tcf: null });
		await expect(askCmps({ __tcfapi: 1 } as unknown as CmpWindow, 300)).resolves.toEqual({ tcf: null });
	});

	it("reads US privacy and GPP, keeping the 'no section applies' marker (-1) for the edge", async () => {
		const w: CmpWindow = {
			__uspapi: (_c, _v, cb) => cb({ uspString: "1YNN" }, true),
			__gpp: (_c, cb) => {
				cb({ pingData: { cmpStatus: "loaded", signalStatus: "not ready" } }, true);
				setTimeout(
					() =>
						cb(
							{ pingData: { cmpStatus: "loaded", signalStatus: "ready", gppString: "DBAA", applicableSections: [-1] } },
							true,
						),
					2000,
				);
			},
		};
		const pending = askCmps(w, 100);
		await vi.advanceTimersByTimeAsync(2000);
		await expect(pending).resolves.toEqual({ usp: "1YNN", gpp: "DBAA", gppSid: "-1" });
	});

	it("passes the applicable sections on as the CMP lists them", async () => {
		const w: CmpWindow = {
			__gpp: (_c, cb) =>
				cb({ pingData: { signalStatus: "ready", gppString: "DBAA", applicableSections: [2, 7] } }, true),
		};
		await expect(askCmps(w, 100)).resolves.toEqual({ gpp: "DBAA", gppSid: "2,7" });
	});

	it("waits up to 10 s for a TCF CMP whose ping says it is loading, then gives up", async () => {
		const w: CmpWindow = { __tcfapi: (command, _v, cb) => command === "ping" && cb({ cmpStatus: "loading" }, true) };
		const seen = watch(w, 300);
		await vi.advanceTimersByTimeAsync(9_999);
		expect(seen.answer()).toBeUndefined();
		await vi.advanceTimersByTimeAsync(1);
		expect(seen.answer()).toEqual({ tcf: null });
	});

	it("keeps a site's consent timeout longer than 10 s for a loading TCF CMP", async () => {
		const w: CmpWindow = { __tcfapi: (command, _v, cb) => command === "ping" && cb({ cmpStatus: "loading" }, true) };
		const seen = watch(w, 20_000);
		await vi.advanceTimersByTimeAsync(19_999);
		expect(seen.answer()).toBeUndefined();
		await vi.advanceTimersByTimeAsync(1);
		expect(seen.answer()).toEqual({ tcf: null });
	});

	it("takes the answer of a TCF CMP that finishes loading after the timeout", async () => {
		let listener: TcfCallback = () => {};
		const w: CmpWindow = {
			__tcfapi: (command, _v, cb) => {
				if (command === "ping") cb({ cmpStatus: "loading" }, true);
				if (command === "addEventListener") listener = cb;
			},
		};
		const seen = watch(w, 300);
		await vi.advanceTimersByTimeAsync(3000);
		const loaded = { gdprApplies: true, eventStatus: "tcloaded", tcString: "CPx" };
		listener(loaded, true);
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.answer()).toEqual({ tcf: loaded });
	});

	it("keeps the short wait for a stub that answers ping but never loads", async () => {
		const w: CmpWindow = { __tcfapi: (command, _v, cb) => command === "ping" && cb({ cmpStatus: "stub" }, true) };
		const pending = askCmps(w, 300);
		await vi.advanceTimersByTimeAsync(300);
		await expect(pending).resolves.toEqual({ tcf: null });
	});

	it("gives a GPP stub whose CMP never loads up after the timeout, keeping the other CMPs' answers", async () => {
		const w: CmpWindow = {
			__uspapi: (_c, _v, cb) => cb({ uspString: "1YNN" }, true),
			__gpp: (_c, cb) => cb({ pingData: { cmpStatus: "stub", signalStatus: "not ready" } }, true),
		};
		const seen = watch(w, 300);
		await vi.advanceTimersByTimeAsync(299);
		expect(seen.answer()).toBeUndefined();
		await vi.advanceTimersByTimeAsync(1);
		expect(seen.answer()).toEqual({ usp: "1YNN" });
	});

	it("waits for the visitor once a GPP CMP behind its stub has loaded, past the timeout", async () => {
		type GppCallback = Parameters<NonNullable<CmpWindow["__gpp"]>>[1];
		let listener: GppCallback = () => {};
		const w: CmpWindow = {
			__gpp: (_c, cb) => {
				listener = cb;
				cb({ pingData: { cmpStatus: "stub", signalStatus: "not ready" } }, true);
			},
		};
		const seen = watch(w, 300);
		await vi.advanceTimersByTimeAsync(200);
		listener({ pingData: { cmpStatus: "loaded", signalStatus: "not ready" } }, true);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(seen.answer()).toBeUndefined();
		listener(
			{ pingData: { cmpStatus: "loaded", signalStatus: "ready", gppString: "DBAA", applicableSections: [7] } },
			true,
		);
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.answer()).toEqual({ gpp: "DBAA", gppSid: "7" });
	});

	it("gives a GPP CMP that is still loading, or in error, only the timeout", async () => {
		for (const cmpStatus of ["loading", "error"]) {
			const w: CmpWindow = { __gpp: (_c, cb) => cb({ pingData: { cmpStatus, signalStatus: "not ready" } }, true) };
			const seen = watch(w, 300);
			await vi.advanceTimersByTimeAsync(299);
			expect(seen.answer()).toBeUndefined();
			await vi.advanceTimersByTimeAsync(1);
			expect(seen.answer()).toEqual({});
		}
	});

	it("ignores an unsuccessful US privacy call", async () => {
		const w: CmpWindow = { __uspapi: (_c, _v, cb) => cb({ uspString: "1YNN" }, false) };
		await expect(askCmps(w, 100)).resolves.toEqual({});
	});
});

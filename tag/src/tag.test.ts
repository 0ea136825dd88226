import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CmpWindow } from "./cmp";
import type { Config } from "./config";
import type { Store } from "./cookies";
import { startTag } from "./tag";

const UUID = "12345678901234567890123456789012345678";
const COPY = `${UUID}.${"S".repeat(22)}`;
const CONFIG: Config = { edge: "https://e.example", max: 5, wait: 100, every: 86_400 };

/** The tag's two cookies in memory: `id` as js-cookie would hold it, `fresh` while _es_t lives. */
function memoryStore(id: string, fresh: boolean) {
	const state = { id, fresh, saved: [] as string[], cleared: 0 };
	const store: Store = {
		// As cookieStore: only a signed copy counts.
		id: () => (/^\d{38}\.[\w-]{22}$/.test(state.id) ? state.id : ""),
		fresh: () => (state.fresh ? "1" : undefined),
		save: (copy) => {
			state.saved.push(copy);
			state.id = copy;
			state.fresh = true;
		},
		clear: () => {
			state.cleared++;
			state.id = "";
			state.fresh = false;
		},
	};
	return { state, store };
}

const uuidSeen = (handlers: ReturnType<typeof startTag>) => new Promise<string>((resolve) => handlers.getUuid(resolve));

let fetched: string[];
function edgeAnswers(status: number, body: unknown) {
	fetched = [];
	vi.stubGlobal(
		"fetch",
		vi.fn(async (url: string) => {
			fetched.push(url);
			return new Response(JSON.stringify(body), { status });
		}),
	);
}

beforeEach(() => {
	vi.stubGlobal("Image", class {});
});
afterEach(() => {
	vi.unstubAllGlobals();
});

describe("startTag and the signed copy", () => {
	it("an old unsigned copy is upgraded at once, even while _es_t is fresh: /id answers the signed copy", async () => {
		edgeAnswers(200, { uuid: UUID, fpid: COPY, syncs: [] });
		const { state, store } = memoryStore(UUID, true);
		expect(await uuidSeen(startTag({}, CONFIG, store))).toBe(UUID);
		expect(fetched).toEqual(["https://e.example/id?"]); // the unsigned copy is not sent either
		expect(state.saved).toEqual([COPY]);
	});

	it("sends the CMPs' signals to /id, encoded, with the signed copy after them", async () => {
		edgeAnswers(200, { uuid: UUID, fpid: COPY, syncs: [] });
		const { store } = memoryStore(COPY, false);
		const w: CmpWindow = {
			__gpp: (_c, cb) => cb({ pingData: { signalStatus: "ready", gppString: "a&b", applicableSections: [-1] } }, true),
		};
		expect(await uuidSeen(startTag(w, CONFIG, store))).toBe(UUID);
		expect(fetched).toEqual([`https://e.example/id?gpp=a%26b&gpp_sid=-1&fpid=${COPY}`]);
	});

	it("a signed copy within the interval: no /id call, the page gets the plain UUID", async () => {
		edgeAnswers(200, {});
		const { state, store } = memoryStore(COPY, true);
		expect(await uuidSeen(startTag({}, CONFIG, store))).toBe(UUID);
		expect(fetched).toEqual([]);
		expect(state.saved).toEqual([]);
	});

	it("after the interval, the signed copy goes to /id as fpid", async () => {
		edgeAnswers(200, { uuid: UUID, fpid: COPY, syncs: [] });
		const { store } = memoryStore(COPY, false);
		expect(await uuidSeen(startTag({}, CONFIG, store))).toBe(UUID);
		expect(new URL(fetched[0] ?? "").searchParams.get("fpid")).toBe(COPY);
	});

	it("an answer without a signed copy (opted out, no consent) clears the cookies and gives the page ''", async () => {
		edgeAnswers(200, { uuid: "NOTARGET", optout: true, syncs: [] });
		const { state, store } = memoryStore(COPY, false);
		expect(await uuidSeen(startTag({}, CONFIG, store))).toBe("");
		expect(state.cleared).toBe(1);
		expect(state.saved).toEqual([]);
	});

	it("a refused /id (429) keeps the copy: the page still gets the visitor's UUID", async () => {
		edgeAnswers(429, { error: "too many /id calls from this address; slow down" });
		const { state, store } = memoryStore(COPY, false);
		expect(await uuidSeen(startTag({}, CONFIG, store))).toBe(UUID);
		expect(state.cleared).toBe(0);
	});

	it("opting out sends the signed copy to /demoptout.jpg and forgets it", async () => {
		edgeAnswers(200, {});
		const images: Array<{ src?: string }> = [];
		vi.stubGlobal(
			"Image",
			class {
				constructor() {
					images.push(this);
				}
			},
		);
		const { state, store } = memoryStore(COPY, true);
		const tag = startTag({}, CONFIG, store);
		tag.optOut(() => {});
		expect(images.map((i) => i.src)).toEqual([`https://e.example/demoptout.jpg?fpid=${COPY}`]);
		expect(state.id).toBe("");
		expect(await uuidSeen(tag)).toBe("");
		const empty = memoryStore("", true);
		startTag({}, CONFIG, empty.store).optOut(() => {});
		expect(images[1]?.src).toBe("https://e.example/demoptout.jpg?fpid=");
	});
});

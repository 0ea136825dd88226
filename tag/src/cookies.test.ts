import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Config } from "./config";
import { cookieStore } from "./cookies";

const UUID = "12345678901234567890123456789012345678";
const COPY = `${UUID}.${"a".repeat(22)}`;
const CONFIG: Config = { edge: "https://e.example", max: 5, wait: 1500, every: 86_400 };

/** document.cookie as js-cookie sees it: reads give `jar`, writes are recorded. */
let jar: string;
let written: string[];

beforeEach(() => {
	jar = "";
	written = [];
	vi.stubGlobal("document", {
		get cookie() {
			return jar;
		},
		set cookie(value: string) {
			written.push(value);
		},
	});
});
afterEach(() => {
	vi.unstubAllGlobals();
});

describe("cookieStore", () => {
	it("reads a signed copy back", () => {
		jar = `_es_id=${COPY}; _es_t=1`;
		const store = cookieStore(CONFIG, true);
		expect(store.id()).toBe(COPY);
		expect(store.fresh()).toBe("1");
	});

	it("does not trust an old unsigned copy, even while _es_t says /id was called recently", () => {
		jar = `_es_id=${UUID}; _es_t=1`;
		expect(cookieStore(CONFIG, true).id()).toBe("");
	});

	it("stores the signed copy verbatim (no escaping of '.', '-' or '_'), for 395 days, with _es_t", () => {
		cookieStore({ ...CONFIG, cookieDomain: "example.com" }, true).save(`${UUID}.a-b_${"c".repeat(18)}`);
		expect(written[0]).toMatch(
			new RegExp(`^_es_id=${UUID}\\.a-b_c{18}; path=/; domain=example.com; sameSite=Lax; secure; expires=`),
		);
		expect(written[1]).toMatch(/^_es_t=1; /);
	});

	it("removes both cookies with the same domain they were written with (else the browser keeps them)", () => {
		cookieStore({ ...CONFIG, cookieDomain: "example.com" }, true).clear();
		expect(written).toHaveLength(2);
		for (const [i, name] of ["_es_id", "_es_t"].entries()) {
			expect(written[i]).toMatch(new RegExp(`^${name}=; path=/; domain=example.com; sameSite=Lax; secure; expires=`));
			expect(Date.parse(written[i]?.split("expires=")[1] ?? "")).toBeLessThan(Date.now());
		}
	});
});

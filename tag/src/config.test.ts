import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

const SRC = "https://sync.example.com/tag.js";

describe("readConfig", () => {
	it("defaults: the script's origin, 5 syncs, 1.5 s for the CMP, one /id call a day", () => {
		expect(readConfig({}, SRC)).toEqual({ edge: "https://sync.example.com", max: 5, wait: 1500, every: 86_400 });
	});

	it("reads every data-* attribute", () => {
		const data = {
			edge: "https://edge.example.net/",
			cookieDomain: "example.com",
			maxSyncs: "2",
			consentTimeout: "300",
			interval: "0",
			gdpr: "1",
		};
		expect(readConfig(data, SRC)).toMatchObject({
			edge: "https://edge.example.net",
			cookieDomain: "example.com",
			max: 2,
			wait: 300,
			every: 0,
			gdpr: "1",
		});
	});

	it("ignores numbers that are not whole numbers, or negative", () => {
		const c = readConfig({ maxSyncs: "many", consentTimeout: "-1", interval: "" }, SRC);
		expect([c.max, c.wait, c.every]).toEqual([5, 1500, 86_400]);
		const d = readConfig({ maxSyncs: "1.5", consentTimeout: -1, interval: Number.NaN }, SRC);
		expect([d.max, d.wait, d.every]).toEqual([5, 1500, 86_400]);
	});

	it("takes the ESM module's options: numbers, 0 included, and the edge without a script URL", () => {
		const c = readConfig({ edge: "https://edge.example.net", maxSyncs: 0, consentTimeout: 300, interval: 0 });
		expect([c.edge, c.max, c.wait, c.every]).toEqual(["https://edge.example.net", 0, 300, 0]);
	});

	it("throws without any edge (the module's start() catches it)", () => {
		expect(() => readConfig({})).toThrow(TypeError);
	});
});
